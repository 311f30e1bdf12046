// title: Every stored ring's headline, highest score first (then the least likely by chance)
MATCH (r:Ring)
RETURN r.ring_id AS ring_id, r.patterns AS patterns, r.score AS score, r.amount_at_risk AS amount_at_risk,
       r.size AS size, r.status AS status, r.summary AS motifs, r.first_seen AS first_seen,
       r.last_seen AS last_seen, r.run_id AS run_id, r.assignee AS assignee, r.due AS due,
       r.expected_false AS expected_false
ORDER BY r.score DESC, r.expected_false, r.ring_id
