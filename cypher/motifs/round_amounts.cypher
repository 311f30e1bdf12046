// title: Round sums at a pharmacy
// title_zh: 药店整数金额刷卡
// family: pharmacy_cashout
// weight: 0.6
// kind: indicator
// line: cashout
// refine: against_provider
// defaults: {unit = 50, min_amount = 100, min_claims = 2, min_share = 0.6, min_lift = 3.0}
// python_only: min_lift
// roles: patient=cashed_out_card provider=cash_out_pharmacy
// partition: cards
// implicates: patients cards providers
// reason: {n_round} of card {card}'s {n} purchases at {provider} are round sums (multiples of {unit:.0f} CNY)
// reason_zh: 医保卡 {card} 在 {provider} 的 {n} 笔购药中有 {n_round} 笔为整数金额（{unit:.0f} 元的倍数）
// Real prescriptions cost odd amounts; a card repeatedly charged round sums at one pharmacy is
// being turned into cash (刷卡套现).
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
WHERE k.card_id >= $part_lo AND k.card_id <= $part_hi
  AND c.visit_type = 'pharmacy'
WITH k, v, c, CASE WHEN c.amount >= $min_amount AND c.amount % $unit = 0 THEN 1 ELSE 0 END AS is_round
WITH k, v, count(c) AS n, sum(is_round) AS n_round, collect(c.claim_id) AS all_claims,
     collect(CASE WHEN is_round = 1 THEN c.claim_id ELSE NULL END) AS claims
WHERE n_round >= $min_claims AND n_round >= $min_share * n
RETURN k.card_id AS card, k.holder_id AS holder, v.provider_id AS provider, n, n_round, $unit AS unit,
       [k.holder_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers, [] AS doctors, claims
