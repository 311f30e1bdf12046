// title: Link Card -[:PAID]-> Claim (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Card {card_id: r.src})
MATCH (b:Claim {claim_id: r.dst})
MERGE (a)-[:PAID]->(b)
