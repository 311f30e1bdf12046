// title: Create or update a job run's record (:DetectionRun) with its progress, counts and resumable state
// why: state holds what a resumed run needs (the rings stored before detection); snapshot holds this run's
//      ring memberships, which the next run compares with.
// mode: write
MERGE (r:DetectionRun {run_id: $run_id})
SET r.started = $started, r.finished = $finished, r.engine = $engine, r.outcome = $outcome, r.step = $step,
    r.attempts = $attempts, r.seconds = $seconds, r.files = $files, r.files_skipped = $files_skipped,
    r.files_failed = $files_failed, r.accepted = $accepted, r.rejected = $rejected, r.rings = $rings,
    r.rings_by_status = $rings_by_status, r.changes = $changes, r.alerts = $alerts,
    r.undelivered = $undelivered, r.bundles = $bundles, r.error = $error, r.details = $details,
    r.state = $state, r.snapshot = $snapshot
