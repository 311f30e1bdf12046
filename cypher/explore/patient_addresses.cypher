// title: Neighbourhood hop: addresses of the given patients
UNWIND $ids AS id
MATCH (p:Patient {patient_id: id})-[:LIVES_AT]->(a:Address)
WHERE NOT a.address IN $seen
RETURN a.address AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
