// title: A ring's case trail, oldest first
MATCH (r:Ring {ring_id: $ring_id})-[:HAS_EVENT]->(e:CaseEvent)
RETURN e.event_id AS event_id, e.seq AS seq, e.action AS action, e.from_status AS from_status,
       e.to_status AS to_status, e.actor AS actor, e.at AS at, e.note AS note, e.details AS details
ORDER BY e.seq
