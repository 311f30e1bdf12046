// title: Cities of every stored ring: where its member providers are and where its member patients live (ring list filter)
MATCH (v:Provider)-[:MEMBER_OF]->(r:Ring)
WHERE v.city IS NOT NULL
RETURN DISTINCT r.ring_id AS ring_id, v.city AS city
UNION
MATCH (p:Patient)-[:MEMBER_OF]->(r:Ring)
WHERE p.home_city IS NOT NULL
RETURN DISTINCT r.ring_id AS ring_id, p.home_city AS city
