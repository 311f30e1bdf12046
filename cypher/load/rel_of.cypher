// title: Link Box -[:OF]-> Item (Neo4j load path)
// why: MATCH both ends by key, MERGE the relationship: reloading the same rows adds nothing.
UNWIND $rows AS r
MATCH (a:Box {trace_code: r.src})
MATCH (b:Item {item_code: r.dst})
MERGE (a)-[:`OF`]->(b)
