// title: Mark a load of a folder as finished (:LoadRun), after its last write
// why: clears the started mark of this folder (also one left by an earlier, killed load of it), so detection may trust the graph again.
// mode: write
MERGE (l:LoadRun {source: $source})
SET l.status = 'finished', l.finished = $at, l.error = '', l.claims = $claims
RETURN l.source AS source
