// title: Neighbourhood hop: phones of the given patients
UNWIND $ids AS id
MATCH (p:Patient {patient_id: id})-[:HAS_PHONE]->(f:Phone)
WHERE NOT f.phone IN $seen
RETURN f.phone AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
