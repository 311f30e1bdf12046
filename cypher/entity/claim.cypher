// title: One claim's facts (entity page)
MATCH (c:Claim {claim_id: $id})
RETURN c.claim_id AS id, c.patient_id AS patient_id, c.card_id AS card_id, c.provider_id AS provider_id,
       c.doctor_id AS doctor_id, c.ts AS ts, c.ts_epoch AS ts_epoch, c.amount AS amount, c.fund_paid AS fund_paid,
       c.visit_type AS visit_type, c.diagnosis AS diagnosis, c.admit_date AS admit_date,
       c.discharge_date AS discharge_date, c.terminal_id AS terminal_id
