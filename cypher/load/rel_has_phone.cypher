// title: Link Patient -[:HAS_PHONE]-> Phone (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Patient {patient_id: r.src})
MATCH (b:Phone {phone: r.dst})
MERGE (a)-[:`HAS_PHONE`]->(b)
