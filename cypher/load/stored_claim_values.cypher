// title: Stored Claim nodes among these ids, with the values a delivery gives (both engines)
// why: a settlement never changes, so a claim id already stored is kept as it is; the loader compares the delivered values with these and reports (and keeps aside in rejects/claims.changed.csv) every re-delivered claim whose values differ, instead of dropping it in silence.
UNWIND $ids AS id
MATCH (c:Claim {claim_id: id})
RETURN c.claim_id AS claim_id, c.patient_id AS patient_id, c.card_id AS card_id, c.provider_id AS provider_id,
       c.doctor_id AS doctor_id, c.ts AS ts, c.amount AS amount, c.fund_paid AS fund_paid, c.visit_type AS visit_type,
       c.diagnosis AS diagnosis, c.admit_date AS admit_date, c.discharge_date AS discharge_date,
       c.terminal_id AS terminal_id
