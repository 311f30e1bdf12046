// title: Pharmacy spending far from home
// title_zh: 药店消费集中在外地药店
// family: pharmacy_cashout
// weight: 0.55
// kind: indicator
// partition: cards
// implicates: patients cards
// peer_place: providers
// reason: {share:.0%} of card {card}'s pharmacy spending ({n} purchases) is at {provider} in {city}, away from the holder's home in {home_city}
// reason_zh: 医保卡 {card} 的药店消费有 {share:.0%}（{n} 笔）发生在{city}的 {provider}，而持卡人居住在{home_city}
// Cards whose pharmacy spending concentrates at one pharmacy in another city: the card is
// being drained (or used) where its holder does not live.
// The far places come first and the card's whole pharmacy spending is summed only for the cards
// they leave (summing every card first read each part's claims twice at 10^7).
MATCH (p:Patient)-[:HOLDS]->(k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND c.visit_type = 'pharmacy' AND p.home_city IS NOT NULL AND v.city IS NOT NULL AND v.city <> p.home_city
WITH p, k, v, count(c) AS n, sum(c.amount) AS amount, collect(c.claim_id) AS claims
WHERE n >= $min_claims
MATCH (k)-[:PAID]->(d:Claim)
WHERE d.visit_type = 'pharmacy'
WITH p, k, v, n, amount, claims, sum(d.amount) AS card_total
WHERE amount >= $min_share * card_total
RETURN k.card_id AS card, p.patient_id AS holder, p.home_city AS home_city, v.provider_id AS provider, v.city AS city,
       n, round(amount, 2) AS amount, round(amount / card_total, 3) AS share,
       [p.patient_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, [] AS doctors, claims
