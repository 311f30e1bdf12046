// title: Neighbourhood hop: cards that paid claims at the given providers in the window, most claims first
// why: a busy pharmacy has thousands of cards: $limit keeps the strongest, the caller reports what was left out.
UNWIND $ids AS id
MATCH (v:Provider {provider_id: id})<-[:AT]-(c:Claim)
WHERE c.ts_epoch >= $since AND c.ts_epoch < $until AND NOT c.card_id IN $seen
RETURN c.card_id AS dst, count(c) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
