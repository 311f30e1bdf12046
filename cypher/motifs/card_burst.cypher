// title: Burst of different cards at a pharmacy
// title_zh: 药店短时集中刷多张卡
// family: pharmacy_cashout
// weight: 0.35
// kind: link
// refine: bursts
// claims_from: refine/burst_claims
// defaults: {min_cards = 5, rate_factor = 4.0, max_p = 1e-6}
// python_only: rate_factor max_p
// roles: patient=cashed_out_card provider=cash_out_pharmacy
// partition: providers
// implicates: patients cards providers
// reason: {n_cards} different cards were used at {provider} within one hour ({ratio:.1f}× its usual number at that hour of a {day_kind})
// reason_zh: {provider} 在一小时内刷了 {n_cards} 张不同的医保卡（为该药店在{day_kind_zh}同一时段平常数量的 {ratio:.1f} 倍）
// Many distinct cards in one hour at a pharmacy, far above that pharmacy's own rhythm at that hour
// of a weekday (or weekend day): a batch of collected cards being drained. The pharmacy beside a
// hospital that fills every morning after the clinics is measured against its own mornings, not a
// global factor. This query counts the distinct cards of every pharmacy hour; graphfraud.detect.refine
// compares each hour with the pharmacy's mean for that hour of that kind of day (over the days it was
// open), keeps hours at least rate_factor above it with a Poisson tail below max_p, and reads the
// claims of those hours only (refine/burst_claims).
// A claim settled at exactly 00:00:00 carries a date, not a time of day (an export with dates only): left out.
MATCH (v:Provider)<-[:AT]-(c:Claim)
WHERE v.provider_id >= $part_lo AND v.provider_id <= $part_hi
  AND c.visit_type = 'pharmacy' AND c.ts_epoch % 86400 <> 0
WITH v.provider_id AS provider, c.ts_epoch / 3600 AS hour, count(DISTINCT c.card_id) AS n_cards
RETURN provider, hour, n_cards
