// title: Card in two cities in the same week
// title_zh: 医保卡同期在两地使用
// family: card_lending
// weight: 0.5
// kind: indicator
// implicates: patients cards
// peer_place: providers
// reason: card {card} (holder living in {home_city}) was used {n} times at {provider} in {city}, each within {max_days} days of a use back home
// A card that keeps being used at one provider in another city and, within days, at home again:
// the holder stays home while someone else carries the card (or its number) far away. People
// who move, study or work away use their card where they now live, not in both places by turns.
MATCH (p:Patient)-[:HOLDS]->(k:Card)-[:PAID]->(f:Claim)-[:AT]->(v:Provider)
WHERE p.home_city IS NOT NULL AND v.city IS NOT NULL AND v.city <> p.home_city
MATCH (k)-[:PAID]->(h:Claim)-[:AT]->(w:Provider)
WHERE w.city = p.home_city AND h.ts_epoch >= f.ts_epoch - $max_days * 86400
  AND h.ts_epoch <= f.ts_epoch + $max_days * 86400
WITH p, k, v, count(DISTINCT f.claim_id) AS n, collect(DISTINCT f.claim_id) AS far, collect(DISTINCT h.claim_id) AS home
WHERE n >= $min_claims
RETURN k.card_id AS card, p.patient_id AS holder, p.home_city AS home_city, v.provider_id AS provider, v.city AS city,
       n, $max_days AS max_days,
       [p.patient_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, [] AS doctors, far + home AS claims
