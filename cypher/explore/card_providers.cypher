// title: Neighbourhood hop: providers where the given cards paid claims in the window, most claims first
UNWIND $ids AS id
MATCH (k:Card {card_id: id})-[:PAID]->(c:Claim)
WHERE c.ts_epoch >= $since AND c.ts_epoch < $until AND NOT c.provider_id IN $seen
RETURN c.provider_id AS dst, count(c) AS weight
ORDER BY weight DESC, dst
LIMIT $limit
