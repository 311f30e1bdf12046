// title: One patient's facts and claim totals (entity page)
MATCH (p:Patient {patient_id: $id})
OPTIONAL MATCH (c:Claim)-[:`FOR`]->(p)
RETURN p.patient_id AS id, p.name AS name, p.sex AS sex, p.birth_date AS birth_date, p.phone AS phone,
       p.address AS address, p.home_city AS city, p.death_date AS death_date,
       count(c) AS claims, sum(c.amount) AS amount, sum(c.fund_paid) AS fund_paid, min(c.ts) AS first, max(c.ts) AS last
