// title: Burst of different cards at a pharmacy
// title_zh: 药店短时集中刷多张卡
// family: pharmacy_cashout
// weight: 0.35
// kind: link
// partition: providers
// implicates: patients cards providers
// reason: {n_cards} different cards were used at {provider} within one hour ({ratio:.1f}× its usual hourly number)
// reason_zh: {provider} 在一小时内刷了 {n_cards} 张不同的医保卡（为该药店平常每小时的 {ratio:.1f} 倍）
// Many distinct cards in one hour at a pharmacy, far above that pharmacy's own usual rate:
// a batch of collected cards being drained. The pharmacy's rate is its own baseline, so busy
// pharmacies are not flagged for being busy. The second pass lists every hour's cards and keeps the
// burst hours; matching each burst hour's claims again grew with hours × claims (34× for 10× claims).
MATCH (v:Provider)<-[:AT]-(c:Claim)
WHERE v.provider_id >= $part_lo AND v.provider_id <= $part_hi
  AND c.visit_type = 'pharmacy'
WITH v, count(c) AS total, count(DISTINCT c.ts_epoch / 3600) AS active_hours
MATCH (v)<-[:AT]-(c:Claim)
WHERE c.visit_type = 'pharmacy'
WITH v, total, active_hours, c.ts_epoch / 3600 AS hour, count(DISTINCT c.card_id) AS n_cards,
     collect(DISTINCT c.card_id) AS cards, collect(DISTINCT c.patient_id) AS patients, collect(c.claim_id) AS claims
WHERE n_cards >= $min_cards AND n_cards >= $rate_factor * total / active_hours
RETURN v.provider_id AS provider, hour, n_cards, round(1.0 * n_cards * active_hours / total, 2) AS ratio,
       patients, cards, [v.provider_id] AS providers, [] AS doctors, claims
