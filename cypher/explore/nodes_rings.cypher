// title: Facts shown on ring nodes (score, patterns, current case status)
UNWIND $ids AS id
MATCH (r:Ring {ring_id: id})
RETURN id AS id, r.score AS score, r.patterns AS patterns, r.status AS status, r.amount_at_risk AS amount_at_risk,
       r.size AS size
