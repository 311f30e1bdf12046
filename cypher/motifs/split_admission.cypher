// title: Split admission
// title_zh: 分解住院
// family: gang
// weight: 0.5
// kind: indicator
// line: admission
// defaults: {max_gap_days = 3}
// roles: patient=admitted_patient provider=admitting_institution doctor=admitting_doctor
// implicates: patients cards providers doctors
// links: doctors
// peer_place: providers doctors
// reason: patient {patient} was discharged from {provider} and re-admitted {gap_days:.1f} days later
// reason_zh: 参保人 {patient} 从 {provider} 出院后 {gap_days:.1f} 天即再次入院
// A stay cut into several admissions to bill each separately (分解住院): discharge and
// re-admission at the same institution within days. A stay that began a day or more before the
// other ended overlaps it (an interim bill, a transfer, a data artefact): not a re-admission.
MATCH (k:Card)-[:PAID]->(a:Claim)-[:AT]->(v:Provider)<-[:AT]-(b:Claim)<-[:PAID]-(k)
WHERE a.visit_type = 'inpatient' AND b.visit_type = 'inpatient' AND a.claim_id <> b.claim_id
  AND b.admit_epoch > a.ts_epoch - 86400 AND b.admit_epoch - a.ts_epoch <= $max_gap_days * 86400
WITH k, v, a, b
RETURN k.holder_id AS patient, v.provider_id AS provider,
       round((b.admit_epoch - a.ts_epoch) / 86400.0, 2) AS gap_days,
       [k.holder_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers,
       [a.doctor_id, b.doctor_id] AS doctors,
       [a.claim_id, b.claim_id] AS claims
