// title: The latest claims of one card (entity page), newest first
MATCH (:Card {card_id: $id})-[:PAID]->(c:Claim)
RETURN c.claim_id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.provider_id AS provider_id,
       c.doctor_id AS doctor_id, c.ts AS ts, c.ts_epoch AS ts_epoch, c.amount AS amount, c.fund_paid AS fund_paid,
       c.visit_type AS visit_type, c.diagnosis AS diagnosis
ORDER BY c.ts_epoch DESC, c.claim_id
LIMIT $limit
