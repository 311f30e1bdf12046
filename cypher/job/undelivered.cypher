// title: Earlier job runs with alerts the webhook has not taken yet, oldest first
MATCH (r:DetectionRun)
WHERE r.undelivered > 0 AND r.run_id <> $run_id
RETURN r.run_id AS run_id
ORDER BY r.run_id
