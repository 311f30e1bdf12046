// title: Link Patient -[:HAS_PHONE]-> Phone where one end is new (Neo4j load path)
// why: a node created in this load has no relationships yet, so its links are CREATEd without MERGE's check; links between stored nodes go through rel_has_phone.cypher.
UNWIND range(0, size($src) - 1) AS i
MATCH (a:Patient {patient_id: $src[i]})
MATCH (b:Phone {phone: $dst[i]})
CREATE (a)-[:`HAS_PHONE`]->(b)
