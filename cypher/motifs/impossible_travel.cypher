// title: Impossible travel
// title_zh: 异地同时就医（不可能的行程）
// family: card_lending
// weight: 0.4
// kind: indicator
// partition: cards
// implicates: patients cards
// links: none
// reason: card {card} was used in {city_a} and {city_b}, {km:.0f} km apart, only {hours:.1f} h apart
// reason_zh: 医保卡 {card} 先后在{city_a}和{city_b}使用，两地相距 {km:.0f} 公里，间隔仅 {hours:.1f} 小时
// One card, two claims in different cities closer in time than any journey allows: two people
// are using the same card. Candidate cards: those used in at least two cities, with their claims
// as parallel lists (places without a city or coordinates as '' and -999); graphfraud.detect.evidence
// pairs claims by time (ties by claim id) and keeps pairs over min_km apart, less than max_hours
// apart and faster than max_kmh. Pairing in the query joined every card's claims with each other,
// which at 10^7 claims needed more working memory than the embedded engine's cache could give.
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
WITH k, count(DISTINCT v.city) AS n_cities, collect(c.claim_id) AS claim_list, collect(c.ts_epoch) AS times,
     collect(v.provider_id) AS provider_list, collect(coalesce(v.city, '')) AS city_list,
     collect(coalesce(v.lat, -999.0)) AS lats, collect(coalesce(v.lon, -999.0)) AS lons
WHERE n_cities >= 2
RETURN k.card_id AS card, k.holder_id AS holder, claim_list, times, provider_list, city_list, lats, lons
