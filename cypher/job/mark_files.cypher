// title: Record a delivery's files as loaded (or refused) together with the run's record of that load
// why: one statement, so one transaction: a run killed between the two cannot have marked a file loaded without
//      also keeping what the load accepted and rejected (or the other way round).
// mode: write
MATCH (r:DetectionRun {run_id: $run_id})
SET r.details = $details, r.files = $files, r.files_failed = $files_failed, r.accepted = $accepted,
    r.rejected = $rejected
WITH r
UNWIND $marks AS f
MERGE (i:InboxFile {sha256: f.sha256})
ON CREATE SET i.first_seen = $at
SET i.name = f.name, i.delivery = f.delivery, i.size = f.size, i.status = f.status, i.run_id = $run_id,
    i.at = $at, i.reason = f.reason
RETURN count(i) AS marked
