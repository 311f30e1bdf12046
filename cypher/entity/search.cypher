// title: Entities whose name holds the text, or whose id starts with it (patients, providers, doctors, cards, rings)
// why: investigators search by a person's or a pharmacy's name and by partial ids ("何涛", "老百姓大药房", "p001327");
//      each kind is capped at $limit rows so a one-letter query stays cheap. Ids compare case-insensitively.
MATCH (n:Patient) WHERE n.name CONTAINS $q OR lower(n.patient_id) STARTS WITH lower($q)
RETURN 'patient' AS kind, n.patient_id AS id, n.name AS name, n.home_city AS city LIMIT $limit
UNION ALL
MATCH (n:Provider) WHERE n.name CONTAINS $q OR lower(n.provider_id) STARTS WITH lower($q)
RETURN 'provider' AS kind, n.provider_id AS id, n.name AS name, n.city AS city LIMIT $limit
UNION ALL
MATCH (n:Doctor) WHERE n.name CONTAINS $q OR lower(n.doctor_id) STARTS WITH lower($q)
RETURN 'doctor' AS kind, n.doctor_id AS id, n.name AS name, n.provider_id AS city LIMIT $limit
UNION ALL
MATCH (n:Card) WHERE lower(n.card_id) STARTS WITH lower($q)
RETURN 'card' AS kind, n.card_id AS id, n.holder_id AS name, '' AS city LIMIT $limit
UNION ALL
MATCH (n:Ring) WHERE lower(n.ring_id) STARTS WITH lower($q)
RETURN 'ring' AS kind, n.ring_id AS id, n.status AS name, '' AS city LIMIT $limit
