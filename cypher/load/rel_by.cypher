// title: Link Claim -[:BY]-> Doctor (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Claim {claim_id: r.src})
MATCH (b:Doctor {doctor_id: r.dst})
MERGE (a)-[:BY]->(b)
