// title: Create or update rings (status and first_seen are kept when the ring exists)
// why: details is the ring as one rings.json entry (members, evidence, motifs, period), so the workbench and case
//      bundles can show a ring from the graph alone.
// mode: write
UNWIND $rows AS row
MERGE (r:Ring {ring_id: row.ring_id})
ON CREATE SET r.status = 'new', r.first_seen = row.seen
SET r.patterns = row.patterns, r.score = row.score, r.amount_at_risk = row.amount_at_risk,
    r.summary = row.summary, r.last_seen = row.seen, r.run_id = row.run_id, r.size = row.size,
    r.details = row.details, r.expected_false = row.expected_false
