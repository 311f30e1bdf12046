// title: Record which of a run's alerts the webhook has taken
// mode: write
MATCH (r:DetectionRun {run_id: $run_id})
SET r.delivered = $delivered, r.undelivered = $undelivered
