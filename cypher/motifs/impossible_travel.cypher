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
// One card, two claims in different cities closer in time than any journey allows:
// two people are using the same card. Pairs are ordered by time (ties by claim id).
MATCH (k:Card)-[:PAID]->(a:Claim)-[:AT]->(pa:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
MATCH (k)-[:PAID]->(b:Claim)-[:AT]->(pb:Provider)
WHERE (a.ts_epoch < b.ts_epoch OR (a.ts_epoch = b.ts_epoch AND a.claim_id < b.claim_id))
  AND b.ts_epoch - a.ts_epoch <= $max_hours * 3600
  AND pa.city <> pb.city
WITH k, a, b, pa, pb,
     sin(radians(pb.lat - pa.lat) / 2) ^ 2
       + cos(radians(pa.lat)) * cos(radians(pb.lat)) * sin(radians(pb.lon - pa.lon) / 2) ^ 2 AS h
WITH k, a, b, pa, pb, 12742.0 * asin(sqrt(h)) AS km, (b.ts_epoch - a.ts_epoch) / 3600.0 AS hours
WHERE km >= $min_km AND km > $max_kmh * hours
RETURN k.card_id AS card, k.holder_id AS holder, pa.city AS city_a, pb.city AS city_b,
       round(km, 1) AS km, round(hours, 2) AS hours,
       [k.holder_id] AS patients, [k.card_id] AS cards, [pa.provider_id, pb.provider_id] AS providers,
       [] AS doctors, [a.claim_id, b.claim_id] AS claims
