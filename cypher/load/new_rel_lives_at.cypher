// title: Link Patient -[:LIVES_AT]-> Address where one end is new (Neo4j load path)
// why: a node created in this load has no relationships yet, so its links are CREATEd without MERGE's check; links between stored nodes go through rel_lives_at.cypher.
UNWIND range(0, size($src) - 1) AS i
MATCH (a:Patient {patient_id: $src[i]})
MATCH (b:Address {address: $dst[i]})
CREATE (a)-[:`LIVES_AT`]->(b)
