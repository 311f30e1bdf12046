// title: Neighbourhood edges: which of the shown doctors work at which of the shown providers
UNWIND $doctors AS id
MATCH (d:Doctor {doctor_id: id})-[:WORKS_AT]->(v:Provider)
WHERE v.provider_id IN $providers
RETURN id AS src, v.provider_id AS dst
