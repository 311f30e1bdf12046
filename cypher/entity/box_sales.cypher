// title: A box's trail: every line that sold it (or took it back), with its claim, place and time (box page)
// why: one box, one sale — the investigator reads "sold here on …, again there on …" in time order.
MATCH (b:Box {trace_code: $id})<-[:DISPENSED]-(l:Line)<-[:HAS_LINE]-(c:Claim)-[:AT]->(v:Provider)
RETURN c.claim_id AS claim_id, c.ts AS ts, c.ts_epoch AS ts_epoch, v.provider_id AS provider_id, v.name AS provider_name,
       v.city AS city, c.patient_id AS patient_id, c.card_id AS card_id, l.line_id AS line_id, l.quantity AS quantity,
       l.amount AS amount, l.split_pack AS split_pack, l.item_name AS item_name
ORDER BY ts_epoch, claim_id, quantity DESC
