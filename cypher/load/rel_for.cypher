// title: Link Claim -[:FOR]-> Patient (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Claim {claim_id: r.src})
MATCH (b:Patient {patient_id: r.dst})
MERGE (a)-[:FOR]->(b)
