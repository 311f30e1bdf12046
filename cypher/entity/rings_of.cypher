// title: Rings an id is a member of, with its role there (the caller keeps the rows of the entity's kind)
MATCH (:Patient {patient_id: $id})-[m:MEMBER_OF]->(r:Ring)
RETURN 'patient' AS kind, r.ring_id AS ring_id, m.role AS role, r.score AS score, r.patterns AS patterns, r.status AS status
UNION ALL
MATCH (:Card {card_id: $id})-[m:MEMBER_OF]->(r:Ring)
RETURN 'card' AS kind, r.ring_id AS ring_id, m.role AS role, r.score AS score, r.patterns AS patterns, r.status AS status
UNION ALL
MATCH (:Provider {provider_id: $id})-[m:MEMBER_OF]->(r:Ring)
RETURN 'provider' AS kind, r.ring_id AS ring_id, m.role AS role, r.score AS score, r.patterns AS patterns, r.status AS status
UNION ALL
MATCH (:Doctor {doctor_id: $id})-[m:MEMBER_OF]->(r:Ring)
RETURN 'doctor' AS kind, r.ring_id AS ring_id, m.role AS role, r.score AS score, r.patterns AS patterns, r.status AS status
