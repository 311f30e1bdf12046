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
// Candidate cards: used in at least two cities, one of them the holder's home, with their uses as
// parallel lists; graphfraud.detect.evidence matches the far uses to the home weeks (min_claims, week_s).
MATCH (p:Patient)-[:HOLDS]->(k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND p.home_city IS NOT NULL AND v.city IS NOT NULL
WITH p, k, count(DISTINCT v.city) AS n_cities, sum(CASE WHEN v.city = p.home_city THEN 1 ELSE 0 END) AS n_home,
     collect(c.claim_id) AS claim_list, collect(c.ts_epoch) AS times, collect(v.provider_id) AS provider_list,
     collect(v.city) AS city_list
WHERE n_cities >= 2 AND n_home >= 1
RETURN k.card_id AS card, p.patient_id AS holder, p.home_city AS home_city, claim_list, times, provider_list, city_list
