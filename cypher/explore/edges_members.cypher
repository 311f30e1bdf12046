// title: Neighbourhood edges: memberships of the shown patients, cards, providers and doctors in the shown rings
UNWIND $patients AS id
MATCH (:Patient {patient_id: id})-[m:MEMBER_OF]->(r:Ring)
WHERE r.ring_id IN $rings
RETURN 'patient' AS kind, id AS src, r.ring_id AS dst, m.role AS role
UNION ALL
UNWIND $cards AS id
MATCH (:Card {card_id: id})-[m:MEMBER_OF]->(r:Ring)
WHERE r.ring_id IN $rings
RETURN 'card' AS kind, id AS src, r.ring_id AS dst, m.role AS role
UNION ALL
UNWIND $providers AS id
MATCH (:Provider {provider_id: id})-[m:MEMBER_OF]->(r:Ring)
WHERE r.ring_id IN $rings
RETURN 'provider' AS kind, id AS src, r.ring_id AS dst, m.role AS role
UNION ALL
UNWIND $doctors AS id
MATCH (:Doctor {doctor_id: id})-[m:MEMBER_OF]->(r:Ring)
WHERE r.ring_id IN $rings
RETURN 'doctor' AS kind, id AS src, r.ring_id AS dst, m.role AS role
