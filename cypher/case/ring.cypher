// title: One stored ring's case fields: current status, when first and last seen, steps on its trail so far
MATCH (r:Ring {ring_id: $ring_id})
OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:CaseEvent)
RETURN r.ring_id AS ring_id, r.status AS status, r.score AS score, r.patterns AS patterns,
       r.first_seen AS first_seen, r.last_seen AS last_seen, r.run_id AS run_id, r.size AS size,
       r.assignee AS assignee, r.due AS due, count(e) AS steps
