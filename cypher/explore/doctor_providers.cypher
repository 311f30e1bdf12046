// title: Neighbourhood hop: providers where the given doctors' claims were settled in the window
// why: a doctor → pharmacy funnel shows as the doctor's scripts settled at another provider.
UNWIND $ids AS id
MATCH (d:Doctor {doctor_id: id})<-[:BY]-(c:Claim)
WHERE c.ts_epoch >= $since AND c.ts_epoch < $until AND NOT c.provider_id IN $seen
RETURN c.provider_id AS dst, count(c) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
