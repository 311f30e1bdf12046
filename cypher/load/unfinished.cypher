// title: Loads that started and did not finish (killed, or failed midway), oldest first
// why: detection on a half-loaded graph finds too few rings and says nothing; graphfraud detect and the job refuse while one is listed here.
MATCH (l:LoadRun)
WHERE l.status <> 'finished'
RETURN l.source AS source, l.status AS status, l.started AS started, l.error AS error
ORDER BY started, source
