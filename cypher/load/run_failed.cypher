// title: Mark a load of a folder as failed (:LoadRun) when a write failed midway
// why: best effort, when the database still answers: the reason is kept beside the mark (a killed load stays 'running'); either way detection refuses until the folder is loaded again.
// mode: write
MATCH (l:LoadRun {source: $source})
SET l.status = 'failed', l.error = $error
RETURN l.source AS source
