// title: Neighbourhood hop: members (patients, cards, providers, doctors) of the given rings
UNWIND $ids AS id
MATCH (n:Patient)-[:MEMBER_OF]->(:Ring {ring_id: id})
WHERE NOT n.patient_id IN $seen
RETURN 'patient' AS kind, n.patient_id AS dst, count(*) AS weight
UNION ALL
UNWIND $ids AS id
MATCH (n:Card)-[:MEMBER_OF]->(:Ring {ring_id: id})
WHERE NOT n.card_id IN $seen
RETURN 'card' AS kind, n.card_id AS dst, count(*) AS weight
UNION ALL
UNWIND $ids AS id
MATCH (n:Provider)-[:MEMBER_OF]->(:Ring {ring_id: id})
WHERE NOT n.provider_id IN $seen
RETURN 'provider' AS kind, n.provider_id AS dst, count(*) AS weight
UNION ALL
UNWIND $ids AS id
MATCH (n:Doctor)-[:MEMBER_OF]->(:Ring {ring_id: id})
WHERE NOT n.doctor_id IN $seen
RETURN 'doctor' AS kind, n.doctor_id AS dst, count(*) AS weight
