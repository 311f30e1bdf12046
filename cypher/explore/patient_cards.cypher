// title: Neighbourhood hop: cards the given patients hold, strongest first
// why: hop-by-hop expansion (never a variable-length path); $seen keeps nodes already shown out, $limit bounds the rows.
UNWIND $ids AS id
MATCH (p:Patient {patient_id: id})-[:HOLDS]->(k:Card)
WHERE NOT k.card_id IN $seen
RETURN k.card_id AS dst, count(*) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
