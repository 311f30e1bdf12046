// title: Neighbourhood hop: rings the given patients, cards, providers and doctors are members of
UNWIND $patients AS id
MATCH (:Patient {patient_id: id})-[:MEMBER_OF]->(r:Ring)
WHERE NOT r.ring_id IN $seen
RETURN r.ring_id AS dst, count(*) AS weight
UNION ALL
UNWIND $cards AS id
MATCH (:Card {card_id: id})-[:MEMBER_OF]->(r:Ring)
WHERE NOT r.ring_id IN $seen
RETURN r.ring_id AS dst, count(*) AS weight
UNION ALL
UNWIND $providers AS id
MATCH (:Provider {provider_id: id})-[:MEMBER_OF]->(r:Ring)
WHERE NOT r.ring_id IN $seen
RETURN r.ring_id AS dst, count(*) AS weight
UNION ALL
UNWIND $doctors AS id
MATCH (:Doctor {doctor_id: id})-[:MEMBER_OF]->(r:Ring)
WHERE NOT r.ring_id IN $seen
RETURN r.ring_id AS dst, count(*) AS weight
