// title: Doctor → pharmacy funnel
// title_zh: 医师处方集中流向单一药店
// family: gang
// weight: 0.5
// kind: indicator
// implicates: patients cards providers doctors
// reason: {n} of doctor {doctor}'s {n_doctor} high-value prescriptions ({share:.0%}) were filled at {provider}, averaging {avg_amount:.0f} CNY ({ratio:.1f}× the usual purchase)
// A doctor whose high-value prescriptions all go to one pharmacy: scripts written for the
// pharmacy's benefit (kickbacks, fake patients). "High value" is min_amount, set from the
// data's own average pharmacy purchase, so a community doctor's ordinary refills at the
// pharmacy next door are not flagged.
MATCH (c:Claim)
WHERE c.visit_type = 'pharmacy' AND c.doctor_id IS NOT NULL AND c.amount >= $min_amount
WITH c.doctor_id AS doctor, count(c) AS n_doctor
WHERE n_doctor >= $min_scripts
MATCH (d:Doctor {doctor_id: doctor})<-[:BY]-(c:Claim)-[:AT]->(v:Provider)
WHERE c.visit_type = 'pharmacy' AND c.amount >= $min_amount
WITH doctor, n_doctor, v, count(c) AS n, avg(c.amount) AS avg_amount,
     collect(DISTINCT c.patient_id) AS patients, collect(DISTINCT c.card_id) AS cards, collect(c.claim_id) AS claims
WHERE n >= $min_scripts AND n >= $min_share * n_doctor
RETURN doctor, v.provider_id AS provider, n_doctor, n, round(1.0 * n / n_doctor, 3) AS share,
       round(avg_amount, 2) AS avg_amount, round(avg_amount / $baseline_amount, 2) AS ratio,
       patients, cards, [v.provider_id] AS providers, [doctor] AS doctors, claims
