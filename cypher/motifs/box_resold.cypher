// title: One box settled again
// title_zh: 同一追溯码药品被再次结算（回流药）
// family: drug_resale
// weight: 0.7
// first_row: 0.5
// kind: indicator
// line: resale
// refine: resales
// defaults: {same_place = 0.3}
// python_only: same_place
// roles: patient=seller provider=resale_pharmacy
// implicates: patients cards providers
// links: providers
// reason: box {code} ({item}) sold to {seller} at {first_provider} was settled again at {provider} {days} days later
// reason_zh: 追溯码 {code}（{item}）的药品已于 {first_provider} 售给 {seller}，{days} 天后又在 {provider} 再次结算
// Every box carries its own traceability code (药品追溯码): one box, one sale. A code settled again
// after it was sold means the box came back — bought by a seller, collected by a dealer and settled a
// second time by the pharmacy that bought it back (倒卖医保药品, 回流药). Not duplicates: the pieces of one
// split box (拆零, split_pack = 1) sold at the pharmacy that opened it, a box handed back (a negative
// quantity: a return) and sold again, and one claim scanning the same box twice. The seller is the
// buyer of the sale before; the buyer of the box settled again is not implicated (a customer of the
// pharmacy that resold it). A box settled again at the very place that sold it (a split box exported
// without its flag, the counter's slip, a code reused there) says little about the buyer before:
// same_place of the strength, and the row names no provider, so it ties no customers together.
// Boxes sold once are left out in the query; the Python half (detect.refine.resales) follows each
// box's sales in time order.
MATCH (b:Box)<-[:DISPENSED]-(l:Line)
WITH b, count(l) AS n
WHERE n >= 2
MATCH (b)<-[:DISPENSED]-(l:Line)
RETURN b.trace_code AS code, coalesce(b.item_code, '') AS item, n,
       collect(l.claim_id) AS claim_list, collect(l.ts_epoch) AS times, collect(l.provider_id) AS provider_list,
       collect(l.patient_id) AS patient_list, collect(l.card_id) AS card_list, collect(l.quantity) AS quantities,
       collect(coalesce(l.split_pack, 0)) AS split_list, collect(coalesce(l.item_name, l.item_code)) AS names
