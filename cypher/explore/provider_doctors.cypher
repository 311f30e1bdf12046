// title: Neighbourhood hop: doctors whose claims were settled at the given providers in the window
UNWIND $ids AS id
MATCH (v:Provider {provider_id: id})<-[:AT]-(c:Claim)
WHERE c.ts_epoch >= $since AND c.ts_epoch < $until AND c.doctor_id IS NOT NULL AND NOT c.doctor_id IN $seen
RETURN c.doctor_id AS dst, count(c) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
