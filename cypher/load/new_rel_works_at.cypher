// title: Link Doctor -[:WORKS_AT]-> Provider where one end is new (Neo4j load path)
// why: a node created in this load has no relationships yet, so its links are CREATEd without MERGE's check; links between stored nodes go through rel_works_at.cypher.
UNWIND range(0, size($src) - 1) AS i
MATCH (a:Doctor {doctor_id: $src[i]})
MATCH (b:Provider {provider_id: $dst[i]})
CREATE (a)-[:`WORKS_AT`]->(b)
