// title: Job runs that were killed or failed before they finished, oldest first (the next run completes them)
MATCH (r:DetectionRun)
WHERE r.outcome IN ['running', 'failed']
RETURN r.run_id AS run_id
ORDER BY r.run_id
