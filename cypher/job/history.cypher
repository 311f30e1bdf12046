// title: The latest job runs with what each loaded, found and told, newest first
MATCH (r:DetectionRun)
RETURN r.run_id AS run_id, r.started AS started, r.finished AS finished, r.engine AS engine, r.outcome AS outcome,
       r.step AS step, r.attempts AS attempts, r.seconds AS seconds, r.files AS files,
       r.files_skipped AS files_skipped, r.files_failed AS files_failed, r.accepted AS accepted,
       r.rejected AS rejected, r.rings AS rings, r.rings_by_status AS rings_by_status, r.changes AS changes,
       r.alerts AS alerts, r.undelivered AS undelivered, r.bundles AS bundles, r.error AS error
ORDER BY r.run_id DESC
LIMIT $limit
