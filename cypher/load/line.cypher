// title: Create new Line nodes with their claim and box links (Neo4j load path)
// why: a line of a settlement never changes, so the engine first drops line keys already stored and then CREATEs each new line with its HAS_LINE link from the claim and, when it carries a traceability code, its DISPENSED link to the box, in one transaction per batch (as claims are written). Rows arrive as parameter columns; a null leaves a property out.
UNWIND range(0, size($line_key) - 1) AS i
MATCH (c:Claim {claim_id: $claim_id[i]})
OPTIONAL MATCH (b:Box {trace_code: $trace_code[i]})
CREATE (l:Line {
  line_key: $line_key[i],
  claim_id: $claim_id[i],
  line_id: $line_id[i],
  item_code: $item_code[i],
  item_name: $item_name[i],
  quantity: $quantity[i],
  unit_price: $unit_price[i],
  amount: $amount[i],
  trace_code: $trace_code[i],
  split_pack: $split_pack[i],
  provider_id: $provider_id[i],
  patient_id: $patient_id[i],
  card_id: $card_id[i],
  ts_epoch: $ts_epoch[i]
})
CREATE (c)-[:`HAS_LINE`]->(l)
FOREACH (_ IN CASE WHEN b IS NULL THEN [] ELSE [1] END | CREATE (l)-[:`DISPENSED`]->(b))
