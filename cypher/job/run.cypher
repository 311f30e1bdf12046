// title: One job run's full record, for resuming it or retrying its undelivered alerts
MATCH (r:DetectionRun {run_id: $run_id})
RETURN r.run_id AS run_id, r.started AS started, r.finished AS finished, r.engine AS engine, r.outcome AS outcome,
       r.step AS step, r.attempts AS attempts, r.seconds AS seconds, r.error AS error, r.details AS details,
       r.delivered AS delivered, r.state AS state, r.snapshot AS snapshot
