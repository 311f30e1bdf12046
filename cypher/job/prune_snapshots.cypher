// title: Forget the ring memberships kept by job runs older than the given one (only the latest is compared with)
// mode: write
MATCH (r:DetectionRun)
WHERE r.snapshot IS NOT NULL AND r.run_id < $run_id
SET r.snapshot = NULL
RETURN count(r) AS pruned
