// title: Neighbourhood hop: patients living at the given addresses
UNWIND $ids AS id
MATCH (p:Patient)-[:LIVES_AT]->(a:Address {address: id})
WHERE NOT p.patient_id IN $seen
RETURN p.patient_id AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
