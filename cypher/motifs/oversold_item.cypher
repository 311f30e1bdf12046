// title: Sold beyond what was bought in
// title_zh: 销售量超过进货量（进销存不符）
// family: pharmacy_cashout
// weight: 0.4
// kind: indicator
// line: swap
// peer_group: no
// refine: oversold
// defaults: {min_purchases = 1, min_excess = 5, min_factor = 2.0, min_claims = 2}
// roles: patient=swapped_card provider=swap_pharmacy
// partition: providers
// part_rows: lines
// implicates: patients cards providers
// reason: {provider} sold {sold:.0f} units of {item} but bought in {bought:.0f}; card {card} bought it there {n} times
// reason_zh: {provider} 销售 {item} {sold:.0f} 个单位，进货仅 {bought:.0f}；医保卡 {card} 在该店购买 {n} 次
// The pharmacy's own stock account (进销存): of an item it sold min_excess units more than it bought in,
// and at least min_factor times as many, while it does upload purchases (min_purchases): the sales
// beyond its stock billed that item for something else (串换药品). A coded sale counts its box once by
// its code, whatever the quantity says (a split box 拆零 exported without its flag writes pieces there;
// a box returned and sold again is one box); lines without a code count by quantity (returns taking
// units back), uncoded split lines not at all; a box that came back from another place's sale
// (box_resold's matter) is not counted against the stock. The cards that bought the item
// there min_claims times or more are the rows; the row's strength is the share of the item's sales the
// stock cannot cover, and the rows lift no company (peer_group: no): an account alone cannot tell which
// buyer got the real boxes.
MATCH (l:Line)
WHERE l.provider_id >= $part_lo AND l.provider_id <= $part_hi AND l.quantity IS NOT NULL
OPTIONAL MATCH (l)-[:DISPENSED]->(:Box)<-[:DISPENSED]-(e:Line)
WHERE l.quantity > 0 AND e.provider_id <> l.provider_id AND e.quantity > 0 AND e.ts_epoch < l.ts_epoch
WITH l, count(e) AS came_back
WITH l.provider_id AS provider, l.item_code AS item,
     count(DISTINCT CASE WHEN l.quantity > 0 AND came_back = 0 THEN l.trace_code ELSE NULL END) AS boxes,
     sum(CASE WHEN l.trace_code IS NULL AND coalesce(l.split_pack, 0) = 0 THEN l.quantity ELSE 0.0 END) AS uncoded
WITH provider, item, boxes + uncoded AS sold
WHERE sold >= $min_excess
OPTIONAL MATCH (u:Purchase)
WHERE u.provider_id = provider AND u.item_code = item
WITH provider, item, sold, coalesce(sum(u.quantity), 0.0) AS bought
WHERE sold >= bought + $min_excess AND sold >= $min_factor * bought
MATCH (v:Provider {provider_id: provider})-[:PURCHASED]->(w:Purchase)
WITH provider, item, sold, bought, count(w) AS n_purchases
WHERE n_purchases >= $min_purchases
MATCH (l:Line)
WHERE l.provider_id = provider AND l.item_code = item AND l.quantity > 0 AND coalesce(l.split_pack, 0) = 0
WITH provider, item, sold, bought, l.card_id AS card, l.patient_id AS patient, count(l) AS n,
     collect(l.claim_id) AS claims
WHERE n >= $min_claims
RETURN provider, item, sold, bought, card, patient, n,
       [patient] AS patients, [card] AS cards, [provider] AS providers, [] AS doctors, claims
