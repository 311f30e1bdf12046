// title: Each pharmacy's own share of round sums and of late purchases
// The norm round_amounts and off_hours compare a card with: a pharmacy with a price list of round sums,
// or one open all night, is not cashing out every card it serves.
MATCH (v:Provider)<-[:AT]-(c:Claim)
WHERE c.visit_type = 'pharmacy'
WITH v, c, c.ts_epoch % 86400 / 3600 AS hour
RETURN v.provider_id AS provider, count(c) AS n,
       sum(CASE WHEN c.amount >= $min_amount AND c.amount % $unit = 0 THEN 1 ELSE 0 END) AS n_round,
       sum(CASE WHEN c.ts_epoch % 86400 <> 0 AND (hour >= $start_hour OR hour < $end_hour) THEN 1 ELSE 0 END) AS n_late,
       sum(CASE WHEN c.ts_epoch % 86400 <> 0 THEN 1 ELSE 0 END) AS n_timed
