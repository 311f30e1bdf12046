// title: Forget the memberships of the given rings before writing this run's
// mode: write
MATCH (n)-[m:MEMBER_OF]->(r:Ring)
WHERE r.ring_id IN $ring_ids
DELETE m
