// title: Neighbourhood hop: doctors who work at the given providers
UNWIND $ids AS id
MATCH (d:Doctor)-[:WORKS_AT]->(v:Provider {provider_id: id})
WHERE NOT d.doctor_id IN $seen
RETURN d.doctor_id AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
