// title: Card used far from home
// title_zh: 医保卡在参保地以外就医
// family: card_lending
// weight: 0.55
// kind: indicator
// partition: cards
// implicates: patients cards
// peer_place: providers
// reason: card {card} (holder living in {home_city}) was used {n} times for care in {city}
// reason_zh: 医保卡 {card}（持卡人居住在{home_city}）在{city}就医 {n} 次
// A card repeatedly used for hospital or clinic care in a city that is not its holder's home:
// the card has travelled without its holder (出借/冒用). Pharmacies are the far_pharmacy motif.
MATCH (p:Patient)-[:HOLDS]->(k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND p.home_city IS NOT NULL AND v.city IS NOT NULL AND v.city <> p.home_city
  AND c.visit_type <> 'pharmacy'
WITH p, k, v.city AS city, count(c) AS n, collect(c.claim_id) AS claims,
     collect(DISTINCT v.provider_id) AS providers, sum(c.amount) AS amount
WHERE n >= $min_claims
RETURN k.card_id AS card, p.patient_id AS holder, p.home_city AS home_city, city, n, round(amount, 2) AS amount,
       [p.patient_id] AS patients, [k.card_id] AS cards, providers, [] AS doctors, claims
