// title: The rings a job run found, counted by their case status now
MATCH (g:Ring)
WHERE g.run_id = $run_id
RETURN g.status AS status, count(g) AS rings
