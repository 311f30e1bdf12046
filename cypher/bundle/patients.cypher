// title: Personal facts of the given patients for a case bundle (name, ID number, phone, address, dates)
// why: the bundle's members table; only members' facts leave the graph, and --redact masks them
UNWIND $patients AS id
MATCH (p:Patient {patient_id: id})
RETURN p.patient_id AS id, p.name AS name, p.sex AS sex, p.birth_date AS birth_date, p.id_number AS id_number,
       p.phone AS phone, p.address AS address, p.home_city AS city, p.death_date AS death_date
ORDER BY id
