// title: Rings already stored, with their patients (for stable ids and kept decisions)
MATCH (p:Patient)-[:MEMBER_OF]->(r:Ring)
RETURN r.ring_id AS ring_id, r.status AS status, r.first_seen AS first_seen, collect(p.patient_id) AS patients
