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
// reason: {n} of doctor {doctor}'s {n_doctor} high-value prescriptions ({share:.0%}) were filled at {provider}, {best_lift:.1f}× that pharmacy's share of {basis}
// reason_zh: 医师 {doctor} 的 {n_doctor} 张高额处方中有 {n} 张（{share:.0%}）在 {provider} 配药，是该药店在{basis_zh}中占比的 {best_lift:.1f} 倍
// A doctor whose high-value prescriptions go to one pharmacy (at least min_share, or lift_share of
// them) far more than the doctor's ordinary prescriptions do, or far more than the prescriptions of
// the doctor's colleagues at the same institution do (min_lift, either way): scripts written for that pharmacy's benefit (kickbacks, fake
// patients). Only when neither comparison exists (every script of the doctor is high-value, and the
// colleagues write too few) is the pharmacy's share held against its share of the high-value
// prescriptions of all other doctors filled in its city. Comparing with the doctor's own ordinary pattern keeps busy doctors and the
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
OPTIONAL MATCH (y:Claim)-[:AT]->(w:Provider)
WHERE n_all - n_doctor < $min_scripts AND n_peer < $min_scripts
  AND w.city = v.city AND y.visit_type = 'pharmacy' AND y.amount >= $min_amount
  AND y.doctor_id IS NOT NULL AND y.doctor_id <> doctor
WITH doctor, n_all, n_doctor, v, n_all_here, n, patients, cards, claims, n_peer, n_peer_here, count(y) AS n_city,
     sum(CASE WHEN w.provider_id = v.provider_id THEN 1 ELSE 0 END) AS n_city_here
WHERE 1.0 * n * n_all >= $min_lift * n_all_here * n_doctor
   OR (n_peer >= $min_scripts AND 1.0 * n * (n_peer + 1) >= $min_lift * (n_peer_here + 1) * n_doctor)
   OR (n_all - n_doctor < $min_scripts AND n_peer < $min_scripts AND n_city >= $min_scripts
       AND 1.0 * n * (n_city + 1) >= $min_lift * (n_city_here + 1) * n_doctor)
WITH doctor, v, n_doctor, n, patients, cards, claims, n_peer, n_city,
     (1.0 * n / n_doctor) / (1.0 * n_all_here / n_all) AS lift,
     (1.0 * n / n_doctor) / ((1.0 + n_peer_here) / (1.0 + n_peer)) AS peer_lift,
     (1.0 * n / n_doctor) / ((1.0 + n_city_here) / (1.0 + n_city)) AS city_lift
WITH doctor, v, n_doctor, n, patients, cards, claims, lift, peer_lift, city_lift,
     CASE WHEN lift >= $min_lift THEN 'own'
          WHEN n_peer >= $min_scripts AND peer_lift >= $min_lift THEN 'peer' ELSE 'city' END AS against
RETURN doctor, v.provider_id AS provider, n_doctor, n, round(1.0 * n / n_doctor, 3) AS share,
       round(lift, 2) AS lift, round(peer_lift, 2) AS peer_lift, round(city_lift, 2) AS city_lift,
       round(CASE against WHEN 'own' THEN lift WHEN 'peer' THEN peer_lift ELSE city_lift END, 2) AS best_lift,
       CASE against WHEN 'own' THEN "the doctor's ordinary prescriptions"
                    WHEN 'peer' THEN "the colleagues' prescriptions"
                    ELSE "the other doctors' high-value prescriptions in its city" END AS basis,
       CASE against WHEN 'own' THEN '该医师普通处方' WHEN 'peer' THEN '同院同事处方'
                    ELSE '本市其他医师高额处方' END AS basis_zh,
       patients, cards, [v.provider_id] AS providers, [doctor] AS doctors, claims
