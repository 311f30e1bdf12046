// title: Neighbourhood edges: addresses of the shown patients among the shown addresses
UNWIND $patients AS id
MATCH (p:Patient {patient_id: id})-[:LIVES_AT]->(a:Address)
WHERE a.address IN $addresses
RETURN id AS src, a.address AS dst
