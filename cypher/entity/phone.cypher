// title: One phone: how many patients gave it (entity page)
MATCH (f:Phone {phone: $id})
OPTIONAL MATCH (p:Patient)-[:HAS_PHONE]->(f)
RETURN f.phone AS id, count(p) AS patients
