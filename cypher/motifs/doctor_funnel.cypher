// title: Doctor → pharmacy funnel
// title_zh: 医师处方集中流向单一药店
// family: gang
// weight: 0.5
// kind: indicator
// line: funnel
// family_mix: gang=0.6 pharmacy_cashout=0.4
// defaults: {min_scripts = 8, min_share = 0.6, lift_share = 0.2, min_lift = 3.0, amount_factor = 3.0}
// python_only: amount_factor
// roles: patient=funnelled_patient provider=receiving_pharmacy doctor=prescriber
// implicates: patients cards providers doctors
// reason: {n} of doctor {doctor}'s {n_doctor} high-value prescriptions ({share:.0%}) were filled at {provider}, {lift:.1f}× that pharmacy's share of the doctor's ordinary prescriptions and {peer_lift:.1f}× its share of the colleagues' prescriptions
// reason_zh: 医师 {doctor} 的 {n_doctor} 张高额处方中有 {n} 张（{share:.0%}）在 {provider} 配药，是该药店在其普通处方中占比的 {lift:.1f} 倍、在同院同事处方中占比的 {peer_lift:.1f} 倍
// A doctor whose high-value prescriptions go to one pharmacy (at least min_share, or lift_share of
// them) far more than the doctor's ordinary prescriptions do, or far more than the prescriptions of
// the doctor's colleagues at the same institution do (min_lift, either way): scripts written for that pharmacy's benefit (kickbacks, fake
// patients). Comparing with the doctor's own ordinary pattern keeps busy doctors and the
// community doctor whose patients all use the pharmacy next door out, and the hospital doctors
// whose every script goes to the pharmacy beside the hospital. "High value" is
// min_amount, set from the data's own average pharmacy purchase.
MATCH (c:Claim)
WHERE c.visit_type = 'pharmacy' AND c.doctor_id IS NOT NULL
WITH c.doctor_id AS doctor, count(c) AS n_all,
     sum(CASE WHEN c.amount >= $min_amount THEN 1 ELSE 0 END) AS n_doctor
WHERE n_doctor >= $min_scripts
MATCH (d:Doctor {doctor_id: doctor})<-[:BY]-(c:Claim)-[:AT]->(v:Provider)
WHERE c.visit_type = 'pharmacy'
WITH d, doctor, n_all, n_doctor, v, count(c) AS n_all_here,
     sum(CASE WHEN c.amount >= $min_amount THEN 1 ELSE 0 END) AS n,
     collect(CASE WHEN c.amount >= $min_amount THEN c.patient_id ELSE NULL END) AS patients,
     collect(CASE WHEN c.amount >= $min_amount THEN c.card_id ELSE NULL END) AS cards,
     collect(CASE WHEN c.amount >= $min_amount THEN c.claim_id ELSE NULL END) AS claims
WHERE n >= $min_scripts AND (n >= $min_share * n_doctor OR n >= $lift_share * n_doctor)
OPTIONAL MATCH (d)-[:WORKS_AT]->(:Provider)<-[:WORKS_AT]-(o:Doctor)<-[:BY]-(x:Claim)
WHERE x.visit_type = 'pharmacy' AND o.doctor_id <> doctor
WITH doctor, n_all, n_doctor, v, n_all_here, n, patients, cards, claims, count(x) AS n_peer,
     sum(CASE WHEN x.provider_id = v.provider_id THEN 1 ELSE 0 END) AS n_peer_here
WHERE 1.0 * n * n_all >= $min_lift * n_all_here * n_doctor
   OR (n_peer >= $min_scripts AND 1.0 * n * (n_peer + 1) >= $min_lift * (n_peer_here + 1) * n_doctor)
RETURN doctor, v.provider_id AS provider, n_doctor, n, round(1.0 * n / n_doctor, 3) AS share,
       round((1.0 * n / n_doctor) / (1.0 * n_all_here / n_all), 2) AS lift,
       round((1.0 * n / n_doctor) / ((1.0 + n_peer_here) / (1.0 + n_peer)), 2) AS peer_lift,
       patients, cards, [v.provider_id] AS providers, [doctor] AS doctors, claims
