// title: Link Patient -[:LIVES_AT]-> Address (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Patient {patient_id: r.src})
MATCH (b:Address {address: r.dst})
MERGE (a)-[:`LIVES_AT`]->(b)
