// title: Link Doctor -[:WORKS_AT]-> Provider (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Doctor {doctor_id: r.src})
MATCH (b:Provider {provider_id: r.dst})
MERGE (a)-[:`WORKS_AT`]->(b)
