// title: Link Box -[:OF]-> Item where one end is new (Neo4j load path)
// why: a node created in this load has no relationships yet, so its links are CREATEd without MERGE's check; links between stored nodes go through rel_of.cypher.
UNWIND range(0, size($src) - 1) AS i
MATCH (a:Box {trace_code: $src[i]})
MATCH (b:Item {item_code: $dst[i]})
CREATE (a)-[:`OF`]->(b)
