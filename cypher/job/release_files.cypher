// title: Let the next job run take quarantined inbox files again (an operator's decision), by delivery or file name
// mode: write
MATCH (f:InboxFile)
WHERE f.status = 'quarantined' AND (f.delivery = $name OR f.name = $name)
SET f.status = 'released', f.at = $at
RETURN f.name AS name
ORDER BY name
