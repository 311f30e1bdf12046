// title: Link Patient -[:HOLDS]-> Card (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Patient {patient_id: r.src})
MATCH (b:Card {card_id: r.dst})
MERGE (a)-[:`HOLDS`]->(b)
