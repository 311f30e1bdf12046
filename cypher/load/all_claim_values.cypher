// title: Every stored Claim with the values a delivery gives (embedded engine, a folder loaded again)
// why: when most stored claims are re-delivered, one scan is several times faster on the embedded engine than key lookups; the loader keeps those of the delivery's ids and compares them as with load/stored_claim_values.
MATCH (c:Claim)
RETURN c.claim_id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.provider_id AS provider_id,
       c.doctor_id AS doctor_id, c.ts AS ts, c.amount AS amount, c.fund_paid AS fund_paid, c.visit_type AS visit_type,
       c.diagnosis AS diagnosis, c.admit_date AS admit_date, c.discharge_date AS discharge_date,
       c.terminal_id AS terminal_id
