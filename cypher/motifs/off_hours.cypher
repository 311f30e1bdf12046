// title: Pharmacy purchases after hours
// title_zh: 非营业时间药店刷卡
// family: pharmacy_cashout
// weight: 0.45
// kind: indicator
// line: cashout
// refine: against_provider
// defaults: {start_hour = 21, end_hour = 7, min_claims = 2, min_share = 0.5, min_lift = 3.0}
// python_only: min_lift
// roles: patient=cashed_out_card provider=cash_out_pharmacy
// partition: cards
// implicates: patients cards providers
// reason: {n_late} of card {card}'s {n} purchases at {provider} were made between {start_hour}:00 and {end_hour}:00
// reason_zh: 医保卡 {card} 在 {provider} 的 {n} 笔购药中有 {n_late} 笔发生在 {start_hour}:00 至 {end_hour}:00 之间
// Repeated late-night swipes of one card at one pharmacy, when few real customers buy medicine.
// A claim settled at exactly 00:00:00 carries a date, not a time of day (an export with dates only): left out.
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND c.visit_type = 'pharmacy' AND c.ts_epoch % 86400 <> 0
WITH k, v, c, c.ts_epoch % 86400 / 3600 AS hour
WITH k, v, c, CASE WHEN hour >= $start_hour OR hour < $end_hour THEN 1 ELSE 0 END AS late
WITH k, v, count(c) AS n, sum(late) AS n_late,
     collect(CASE WHEN late = 1 THEN c.claim_id ELSE NULL END) AS claims
WHERE n_late >= $min_claims AND n_late >= $min_share * n
RETURN k.card_id AS card, k.holder_id AS holder, v.provider_id AS provider, n, n_late,
       $start_hour AS start_hour, $end_hour AS end_hour,
       [k.holder_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, [] AS doctors, claims
