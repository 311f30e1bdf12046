// title: Refills far more often than supply allows
// title_zh: 超量频繁配药
// family: pharmacy_cashout
// weight: 0.6
// kind: indicator
// line: refill
// defaults: {chronic = ["I10", "E11", "I25", "J45"], min_refills = 4, max_mean_days = 14}
// roles: patient=refill_patient provider=dispensing_pharmacy doctor=prescriber
// partition: cards
// implicates: patients cards providers doctors
// reason: card {card} refilled {diagnosis} {n} times at {provider}, every {mean_days:.1f} days on average
// reason_zh: 医保卡 {card} 在 {provider} 为 {diagnosis} 配药 {n} 次，平均每 {mean_days:.1f} 天一次
// A chronic prescription dispensed again long before the last supply can have run out
// (a month's supply every few days): drugs resold or swapped (串换药品, 以药易物).
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND c.visit_type = 'pharmacy' AND left(c.diagnosis, 3) IN $chronic
WITH k, v, c.diagnosis AS diagnosis, count(c) AS n, min(c.ts_epoch) AS first, max(c.ts_epoch) AS last,
     collect(c.claim_id) AS claims, collect(DISTINCT c.doctor_id) AS doctors
WHERE n >= $min_refills AND (last - first) < $max_mean_days * 86400 * (n - 1)
RETURN k.card_id AS card, k.holder_id AS holder, v.provider_id AS provider, diagnosis, n,
       round((last - first) / 86400.0 / (n - 1), 2) AS mean_days,
       [k.holder_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, doctors, claims
