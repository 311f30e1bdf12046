// title: Neighbourhood edges: which of the shown patients hold which of the shown cards
UNWIND $patients AS id
MATCH (p:Patient {patient_id: id})-[:HOLDS]->(k:Card)
WHERE k.card_id IN $cards
RETURN id AS src, k.card_id AS dst
