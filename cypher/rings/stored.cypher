// title: One stored ring: its rings.json entry (details) and its current case fields
MATCH (r:Ring {ring_id: $ring_id})
RETURN r.ring_id AS ring_id, r.details AS details, r.status AS status, r.first_seen AS first_seen,
       r.last_seen AS last_seen, r.run_id AS run_id, r.assignee AS assignee, r.due AS due
