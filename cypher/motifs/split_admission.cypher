// title: Split admission
// title_zh: 分解住院
// family: gang
// weight: 0.5
// kind: indicator
// line: admission
// refine: readmissions
// defaults: {max_gap_days = 3, min_lift = 2.0, max_p = 0.01}
// python_only: min_lift max_p
// roles: patient=admitted_patient provider=admitting_institution doctor=admitting_doctor
// implicates: patients cards providers doctors
// links: doctors
// peer_place: providers doctors
// reason: patient {patient} was discharged from {provider} and re-admitted {gap_days:.1f} days later ({who} re-admits this quickly {lift:.1f}× as often as the others: {n_quick} of {n_stays} stays)
// reason_zh: 参保人 {patient} 从 {provider} 出院后 {gap_days:.1f} 天即再次入院（{who} 的短期再入院是其他机构或医师的 {lift:.1f} 倍：{n_stays} 次住院中 {n_quick} 次）
// A stay cut into several admissions to bill each separately (分解住院): discharge and
// re-admission at the same institution within days. A stay that began a day or more before the
// other ended overlaps it (an interim bill, a transfer, a data artefact): not a re-admission.
// Every hospital re-admits some patients within days; the refinement keeps the rows of an institution
// or doctor that does it far more often than the others for the stays they have (detect.refine.readmissions).
MATCH (k:Card)-[:PAID]->(a:Claim)-[:AT]->(v:Provider)<-[:AT]-(b:Claim)<-[:PAID]-(k)
WHERE a.visit_type = 'inpatient' AND b.visit_type = 'inpatient' AND a.claim_id <> b.claim_id
  AND b.admit_epoch > a.ts_epoch - 86400 AND b.admit_epoch - a.ts_epoch <= $max_gap_days * 86400
WITH k, v, a, b
RETURN k.holder_id AS patient, v.provider_id AS provider,
       round((b.admit_epoch - a.ts_epoch) / 86400.0, 2) AS gap_days,
       [k.holder_id] AS patients, [k.card_id] AS cards, [v.provider_id] AS providers,
       [a.doctor_id, b.doctor_id] AS doctors,
       [a.claim_id, b.claim_id] AS claims
