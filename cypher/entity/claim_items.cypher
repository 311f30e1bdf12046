// title: The lines (items) of one claim, with how often each line's box was sold (entity page, case bundle)
// why: a claim's drugs by name, and its boxes' traceability codes linked to their trail; a box sold more than once is what box_resold reads.
MATCH (c:Claim {claim_id: $id})-[:HAS_LINE]->(l:Line)
OPTIONAL MATCH (l)-[:DISPENSED]->(:Box)<-[:DISPENSED]-(o:Line)
WHERE o.quantity > 0
RETURN l.claim_id AS claim_id, l.line_id AS line_id, l.item_code AS item_code, l.item_name AS item_name,
       l.quantity AS quantity, l.unit_price AS unit_price, l.amount AS amount, l.trace_code AS trace_code,
       l.split_pack AS split_pack, count(o) AS box_sales
ORDER BY line_id
