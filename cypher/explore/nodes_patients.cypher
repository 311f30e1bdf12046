// title: Facts shown on patient nodes (labels and tooltips)
UNWIND $ids AS id
MATCH (p:Patient {patient_id: id})
RETURN id AS id, p.name AS name, p.sex AS sex, p.birth_date AS birth_date, p.home_city AS city,
       p.death_date AS death_date
