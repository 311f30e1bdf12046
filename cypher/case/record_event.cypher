// title: Append one step to a ring's case trail and set the ring's current status, assignee and appeal deadline — only if the trail is still as the caller checked it
// why: the trail is append-only (events are created, never edited). The caller checked the role and the
//      four-eyes rule against the trail as it stood after $seq - 1 steps in status $from_status; this
//      statement writes only while that is still so (no row comes back otherwise), so a check and its
//      write are one operation. Two writers that both pass the condition at the same moment create the
//      same event id ring#seq, which a key constraint (Neo4j) or primary key (embedded) refuses for the
//      second one: it fails instead of recording a step checked against a trail that has moved.
// mode: write
MATCH (r:Ring {ring_id: $ring_id})
OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:CaseEvent)
WITH r, count(e) AS steps
WHERE steps = $seq - 1 AND coalesce(r.status, 'new') = $from_status
CREATE (r)-[:HAS_EVENT]->(n:CaseEvent {event_id: $event_id, ring_id: $ring_id, seq: $seq,
        action: $action, from_status: $from_status, to_status: $to_status, actor: $actor, at: $at,
        note: $note, details: $details})
SET r.status = $to_status, r.assignee = $assignee, r.due = $due
RETURN n.event_id AS event_id, n.seq AS seq
