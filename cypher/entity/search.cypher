// title: Entities whose name holds the text, or whose id starts with it (patients, providers, doctors, cards, rings)
// why: investigators search by a person's or a pharmacy's name and by partial ids ("何涛", "老百姓大药房", "p001327");
//      each kind is capped at $limit rows so a one-letter query stays cheap. $q_upper is the text in capitals,
//      so a typed "p001327" finds P001327 without a case function (their names differ between the engines).
MATCH (n:Patient) WHERE n.name CONTAINS $q OR n.patient_id STARTS WITH $q OR n.patient_id STARTS WITH $q_upper
RETURN 'patient' AS kind, n.patient_id AS id, n.name AS name, n.home_city AS city LIMIT $limit
UNION ALL
MATCH (n:Provider) WHERE n.name CONTAINS $q OR n.provider_id STARTS WITH $q OR n.provider_id STARTS WITH $q_upper
RETURN 'provider' AS kind, n.provider_id AS id, n.name AS name, n.city AS city LIMIT $limit
UNION ALL
MATCH (n:Doctor) WHERE n.name CONTAINS $q OR n.doctor_id STARTS WITH $q OR n.doctor_id STARTS WITH $q_upper
RETURN 'doctor' AS kind, n.doctor_id AS id, n.name AS name, n.provider_id AS city LIMIT $limit
UNION ALL
MATCH (n:Card) WHERE n.card_id STARTS WITH $q OR n.card_id STARTS WITH $q_upper
RETURN 'card' AS kind, n.card_id AS id, n.holder_id AS name, '' AS city LIMIT $limit
UNION ALL
MATCH (n:Ring) WHERE n.ring_id STARTS WITH $q OR n.ring_id STARTS WITH $q_upper
RETURN 'ring' AS kind, n.ring_id AS id, n.status AS name, '' AS city LIMIT $limit
