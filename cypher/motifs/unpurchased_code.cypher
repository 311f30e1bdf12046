// title: Boxes sold that the pharmacy never bought in
// title_zh: 药店销售从未购进的追溯码药品（串换药品）
// family: pharmacy_cashout
// weight: 0.6
// kind: indicator
// line: swap
// refine: against_stock
// defaults: {min_purchases = 1, min_claims = 2, min_share = 0.5, min_lift = 3.0}
// python_only: min_lift min_purchases
// roles: patient=swapped_card provider=swap_pharmacy
// partition: providers
// part_rows: lines
// implicates: patients cards providers
// reason: {n_unbought} of card {card}'s {n} coded purchases at {provider} carry boxes the pharmacy never bought in, {lift:.1f}× its other customers' share
// reason_zh: 医保卡 {card} 在 {provider} 的 {n} 笔带追溯码购药中有 {n_unbought} 笔所售药品该店从未购进，是该店其他顾客比例的 {lift:.1f} 倍
// A pharmacy uploads what it buys in (进货, with each box's traceability code) and what it sells. A
// box sold under a code it never bought in, and that nobody sold before (so not a box that came back:
// box_resold's rows), is a box that did not exist: the sale billed a drug for something else (串换药品,
// 以药易物, 刷卡购买非药品). Only pharmacies that upload purchases (min_purchases) are read, and a card
// counts only where its share of such sales is min_lift times the pharmacy's other customers' share
// (detect.boxes.against_stock): a pharmacy whose purchase records lack codes has them for everyone.
// One row per pharmacy: its coded sales and unbought boxes in all (the norm), and the cards that pass
// min_claims and min_share as aligned lists (card_ids, patient_ids, ns, unboughts, claim_lists), which
// the refinement unfolds into one row per card — one pass over the lines gives both (at 10^7 claims a
// second pass for the norm cost 197 s).
MATCH (l:Line)-[:DISPENSED]->(b:Box)
WHERE l.provider_id >= $part_lo AND l.provider_id <= $part_hi AND l.quantity > 0
OPTIONAL MATCH (b)<-[:BROUGHT_IN]-(u:Purchase)
WHERE u.provider_id = l.provider_id
WITH l, b, count(u) AS bought
OPTIONAL MATCH (b)<-[:DISPENSED]-(e:Line)
WHERE e.provider_id <> l.provider_id AND e.quantity > 0 AND e.ts_epoch <= l.ts_epoch
WITH l, bought, count(e) AS before_elsewhere
WITH l.card_id AS card, l.patient_id AS patient, l.provider_id AS provider, count(l) AS n,
     sum(CASE WHEN bought = 0 AND before_elsewhere = 0 THEN 1 ELSE 0 END) AS n_unbought,
     collect(CASE WHEN bought = 0 AND before_elsewhere = 0 THEN l.claim_id ELSE NULL END) AS claims
WITH provider, card, patient, n, n_unbought, claims,
     n_unbought >= $min_claims AND n_unbought >= $min_share * n AND patient IS NOT NULL AS kept
WITH provider, sum(n) AS coded, sum(n_unbought) AS unbought,
     collect(CASE WHEN kept THEN card ELSE NULL END) AS card_ids,
     collect(CASE WHEN kept THEN patient ELSE NULL END) AS patient_ids,
     collect(CASE WHEN kept THEN n ELSE NULL END) AS ns,
     collect(CASE WHEN kept THEN n_unbought ELSE NULL END) AS unboughts,
     collect(CASE WHEN kept THEN claims ELSE NULL END) AS claim_lists
OPTIONAL MATCH (v:Provider {provider_id: provider})-[:PURCHASED]->(w:Purchase)
RETURN provider, coded, unbought, count(w) AS n_purchases, card_ids, patient_ids, ns, unboughts, claim_lists
