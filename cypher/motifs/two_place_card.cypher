// title: Card in two cities in the same weeks
// title_zh: 医保卡同期在两地使用
// family: card_lending
// weight: 0.5
// kind: indicator
// partition: cards
// implicates: patients cards
// peer_place: providers
// reason: card {card} (holder living in {home_city}) was used {n} times at {provider} in {city}, each in the same or a neighbouring week as a use back home
// reason_zh: 医保卡 {card}（持卡人居住在{home_city}）在{city}的 {provider} 使用 {n} 次，每次都与在居住地的一次使用处于同一周或相邻一周
// A card that keeps being used at one provider in another city and, in the same weeks, at home
// again: the holder stays home while someone else carries the card (or its number) far away.
// People who move, study or work away use their card where they now live, not in both places by
// turns. Weeks are fixed buckets of week_s seconds; "neighbouring" is the week before or after.
MATCH (p:Patient)-[:HOLDS]->(k:Card)-[:PAID]->(f:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND p.home_city IS NOT NULL AND v.city IS NOT NULL AND v.city <> p.home_city
WITH p, k, v, count(f) AS n_far
WHERE n_far >= $min_claims
MATCH (k)-[:PAID]->(h:Claim)-[:AT]->(w:Provider)
WHERE w.city = p.home_city
WITH p, k, v, collect(DISTINCT h.ts_epoch / $week_s) AS home_weeks
MATCH (k)-[:PAID]->(f:Claim)-[:AT]->(v)
WITH p, k, v, home_weeks, f, f.ts_epoch / $week_s AS week
WHERE week IN home_weeks OR (week - 1) IN home_weeks OR (week + 1) IN home_weeks
WITH p, k, v, count(f) AS n, collect(f.claim_id) AS claims
WHERE n >= $min_claims
RETURN k.card_id AS card, p.patient_id AS holder, p.home_city AS home_city, v.provider_id AS provider, v.city AS city,
       n, [p.patient_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, [] AS doctors, claims
