// title: Give up an unfinished job run (an operator's decision): the next run plans afresh instead of resuming it
// mode: write
MATCH (r:DetectionRun {run_id: $run_id})
WHERE r.outcome IN ['running', 'failed']
SET r.outcome = 'abandoned', r.finished = $at, r.error = $reason, r.state = NULL
RETURN r.run_id AS run_id
