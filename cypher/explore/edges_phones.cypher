// title: Neighbourhood edges: phones of the shown patients among the shown phones
UNWIND $patients AS id
MATCH (p:Patient {patient_id: id})-[:HAS_PHONE]->(f:Phone)
WHERE f.phone IN $phones
RETURN id AS src, f.phone AS dst
