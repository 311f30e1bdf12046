// title: The latest job run before this one that kept its rings' memberships (what this run compares with)
MATCH (r:DetectionRun)
WHERE r.snapshot IS NOT NULL AND r.run_id < $run_id
RETURN r.run_id AS run_id
ORDER BY r.run_id DESC
LIMIT 1
