// title: Neighbourhood hop: where the given doctors work
UNWIND $ids AS id
MATCH (d:Doctor {doctor_id: id})-[:WORKS_AT]->(v:Provider)
WHERE NOT v.provider_id IN $seen
RETURN v.provider_id AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
