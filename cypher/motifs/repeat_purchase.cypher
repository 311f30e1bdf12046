// title: A resale-prone drug bought again and again at several places
// title_zh: 短期内在多家机构重复购买易倒卖药品
// family: drug_resale
// weight: 0.45
// kind: indicator
// line: hoarding
// peer_group: no
// refine: hoarding
// defaults: {resale_prone = ["XA10", "XL01", "XL02", "XL04", "XJ05"], window_days = 30, min_purchases = 3, min_places = 2}
// python_only: window_days
// roles: patient=seller
// partition: cards
// part_rows: lines
// implicates: patients cards
// links: none
// reason: card {card} bought {item} {n} times at {n_places} places within {days} days
// reason_zh: 医保卡 {card} 在 {days} 天内于 {n_places} 家机构购买 {item} {n} 次
// The NHSA's 2025 rule on over-prescribing: the same drug bought again and again within a short time at
// several institutions, with no change in condition, is more than one patient takes — the pattern of
// sellers who buy resale-prone drugs (insulin and other antidiabetics, cancer, immunosuppressant,
// hepatitis-B and antiviral drugs: resale_prone, catalogue code prefixes) to sell them to a dealer.
// One chronic patient's monthly refill at one pharmacy is not it: min_purchases within window_days at
// min_places different institutions. Split-pack lines (pieces of a box) are not purchases of a box.
// The query returns each card's purchases of each such item; the Python half (detect.refine.hoarding)
// finds the busiest window.
MATCH (l:Line)
WHERE l.card_id >= $part_lo AND l.card_id <= $part_hi AND l.quantity > 0 AND coalesce(l.split_pack, 0) = 0
  AND left(l.item_code, 4) IN $resale_prone
WITH l.card_id AS card, l.patient_id AS patient, l.item_code AS item, count(l) AS n,
     count(DISTINCT l.provider_id) AS n_places, collect(l.ts_epoch) AS times, collect(l.provider_id) AS provider_list,
     collect(l.claim_id) AS claim_list, collect(coalesce(l.item_name, l.item_code)) AS names
WHERE n >= $min_purchases AND n_places >= $min_places
RETURN card, patient, item, n, n_places, times, provider_list, claim_list, names
