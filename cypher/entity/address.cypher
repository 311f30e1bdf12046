// title: One address: how many patients live there (entity page)
MATCH (a:Address {address: $id})
OPTIONAL MATCH (p:Patient)-[:LIVES_AT]->(a)
RETURN a.address AS id, count(p) AS patients
