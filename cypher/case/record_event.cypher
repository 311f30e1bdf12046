// title: Append one step to a ring's case trail and set the ring's current status, assignee and appeal deadline
// why: the trail is append-only (events are created, never edited). The caller passes the next step number;
//      event ids ring#seq are unique (a constraint on Neo4j), so two investigators recording at the same
//      moment cannot both take the same step — the second one fails and can retry.
// mode: write
MATCH (r:Ring {ring_id: $ring_id})
CREATE (r)-[:HAS_EVENT]->(n:CaseEvent {event_id: $event_id, ring_id: $ring_id, seq: $seq,
        action: $action, from_status: $from_status, to_status: $to_status, actor: $actor, at: $at,
        note: $note, details: $details})
SET r.status = $to_status, r.assignee = $assignee, r.due = $due
RETURN n.event_id AS event_id, n.seq AS seq
