// title: Link Patient -[:HOLDS]-> Card where one end is new (Neo4j load path)
// why: a node created in this load has no relationships yet, so its links are CREATEd without MERGE's check; links between stored nodes go through rel_holds.cypher.
UNWIND range(0, size($src) - 1) AS i
MATCH (a:Patient {patient_id: $src[i]})
MATCH (b:Card {card_id: $dst[i]})
CREATE (a)-[:`HOLDS`]->(b)
