// title: Impossible travel
// title_zh: 异地同时就医（不可能的行程）
// family: card_lending
// line: travel
// weight: 0.6
// first_row: 0.4
// kind: indicator
// partition: cards
// implicates: patients cards
// links: none
// refine: travels
// defaults: {max_hours = 12, min_km = 300, max_kmh = 250, full_kmh = 500}
// python_only: max_hours min_km max_kmh full_kmh
// roles: patient=card_holder
// reason: card {card} was used in {city_a} and {city_b}, {km:.0f} km apart, only {hours:.1f} h apart
// reason_zh: 医保卡 {card} 先后在{city_a}和{city_b}使用，两地相距 {km:.0f} 公里，间隔仅 {hours:.1f} 小时
// One card, two claims for the same recorded patient in different cities closer in time than any
// journey allows: two people are using the same card as one. Claims recorded for two different
// patients are two people openly (家庭共济: relatives paying with the holder's account), not this motif. The row's strength grows from nothing at max_kmh (a fast train or a
// flight door to door) to full at full_kmh (faster than any journey). One such pair lends only
// first_row of the weight: a single coincidence is weak, the same card in two places again and again
// is not (first_row).
// why: this query is also the source of every motif about where a card is used (displaced_card,
//      far_pharmacy, two_place_card): each card used in at least two cities, with all its uses as
//      parallel lists (places without a city or coordinates as '' and -999), its holder's registered
//      city and address. graphfraud.detect.refine works out the card's own centre (the city it is
//      used in most) and pairs claims by time; pairing in Cypher joined every card's claims with each
//      other, which at 10^7 claims outgrew the embedded engine's memory.
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
WITH k, count(DISTINCT v.city) AS n_cities, collect(c.claim_id) AS claim_list, collect(c.ts_epoch) AS times,
     collect(v.provider_id) AS provider_list, collect(coalesce(v.city, '')) AS city_list,
     collect(coalesce(v.lat, -999.0)) AS lats, collect(coalesce(v.lon, -999.0)) AS lons,
     collect(c.visit_type) AS type_list, collect(c.amount) AS amounts, collect(coalesce(c.patient_id, '')) AS patient_list
WHERE n_cities >= 2
OPTIONAL MATCH (p:Patient)-[:HOLDS]->(k)
RETURN k.card_id AS card, k.holder_id AS holder, coalesce(p.home_city, '') AS home_city,
       coalesce(p.address, '') AS address, claim_list, times, provider_list, city_list, lats, lons, type_list, amounts,
       patient_list
