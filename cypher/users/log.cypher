// title: The account log, oldest first: who created, disabled, enabled, re-roled or reset whom, and when
// why: append-only (entries are created with the change they record, never edited); no password or hash in it.
MATCH (e:AccountEvent)
RETURN e.event_id AS event_id, e.at AS at, e.actor AS actor, e.action AS action, e.target AS target,
       e.detail AS detail
ORDER BY event_id
