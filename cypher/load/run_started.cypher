// title: Mark a load of a folder as started (:LoadRun), before anything of it is written
// why: a load killed or failing midway leaves part of a folder in the graph; detection reads this mark and refuses a half-loaded graph until the same folder is loaded again to the end (graphfraud.load.check_loads_finished).
// mode: write
MERGE (l:LoadRun {source: $source})
SET l.status = 'running', l.started = $at, l.finished = '', l.error = ''
RETURN l.source AS source
