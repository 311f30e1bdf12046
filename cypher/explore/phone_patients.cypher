// title: Neighbourhood hop: patients who gave the given phones
UNWIND $ids AS id
MATCH (p:Patient)-[:HAS_PHONE]->(f:Phone {phone: id})
WHERE NOT p.patient_id IN $seen
RETURN p.patient_id AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
