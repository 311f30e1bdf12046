// title: Neighbourhood hop: holders of the given cards
UNWIND $ids AS id
MATCH (p:Patient)-[:HOLDS]->(k:Card {card_id: id})
WHERE NOT p.patient_id IN $seen
RETURN p.patient_id AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
