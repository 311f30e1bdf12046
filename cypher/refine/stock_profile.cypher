// title: Each provider's coded sales and, of them, boxes it never bought in and nobody sold before
// why: run once per slice of the provider ids (as the partitioned motifs are: at 10^7 claims with 7.4 million lines one pass filled a 4 GiB cache); unpurchased_code holds a card's share of such boxes against the pharmacy's other customers (detect.boxes.against_stock), so a pharmacy whose purchase records lack codes is not read as selling boxes that never existed.
MATCH (l:Line)-[:DISPENSED]->(b:Box)
WHERE l.provider_id >= $part_lo AND l.provider_id <= $part_hi AND l.quantity > 0
OPTIONAL MATCH (b)<-[:BROUGHT_IN]-(u:Purchase)
WHERE u.provider_id = l.provider_id
WITH l, b, count(u) AS bought
OPTIONAL MATCH (b)<-[:DISPENSED]-(e:Line)
WHERE e.provider_id <> l.provider_id AND e.quantity > 0 AND e.ts_epoch <= l.ts_epoch
WITH l, bought, count(e) AS before_elsewhere
RETURN l.provider_id AS provider, count(l) AS n,
       sum(CASE WHEN bought = 0 AND before_elsewhere = 0 THEN 1 ELSE 0 END) AS n_unbought
