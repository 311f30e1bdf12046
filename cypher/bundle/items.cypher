// title: The lines (items) of these claims, with how often each line's box was sold (case bundle items table)
// why: a bundle for a ring of resold or swapped drugs lists the drugs and boxes behind its evidence claims.
MATCH (c:Claim)-[:HAS_LINE]->(l:Line)
WHERE c.claim_id IN $claims
OPTIONAL MATCH (l)-[:DISPENSED]->(:Box)<-[:DISPENSED]-(o:Line)
WHERE o.quantity > 0
RETURN l.claim_id AS claim_id, l.line_id AS line_id, l.item_code AS item_code, l.item_name AS item_name,
       l.quantity AS quantity, l.unit_price AS unit_price, l.amount AS amount, l.trace_code AS trace_code,
       l.split_pack AS split_pack, count(o) AS box_sales
ORDER BY claim_id, line_id
