// title: Admitted beside a broker's recruits
// title_zh: 与同号患者同期住院
// family: gang
// weight: 0.8
// kind: link
// defaults: {min_patients = 4, min_addresses = 3, min_alone = 2, within_days = 1, min_recruits = 2}
// roles: patient=admitted_patient
// implicates: patients
// links: none
// reason: {n_beside} patients admitted to {provider} by doctor {doctor} within {within_days} day(s) of {n_recruits} patients he admitted who give one stranger's phone number
// reason_zh: {provider} 医师 {doctor} 收治的 {n_beside} 名参保人，与其收治的 {n_recruits} 名登记同一非本户电话的参保人入院时间相差不超过 {within_days} 天
// A broker who registers his recruits under his own phone (代办) brings them in a few at a
// time; those he registered under their own numbers are admitted by the same doctor, at the
// same institution, on the same days. A doctor who admitted at least two of the phone's patients
// is the link: patients he admitted within a day of them share their suspicion and land in their
// ring. On its own it flags nobody (a busy doctor's ward beside one lone sharer is left out).
MATCH (ph:Phone)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, a, count(p) AS here
WITH ph, count(a) AS n_addresses, sum(here) AS n_patients,
     sum(CASE WHEN here = 1 THEN 1 ELSE 0 END) AS n_alone
WHERE n_patients >= $min_patients AND n_addresses >= $min_addresses AND n_alone >= $min_alone
MATCH (ph)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, a, count(p) AS here, min(p.patient_id) AS lone
WHERE here = 1
WITH ph, collect(lone) AS recruits
MATCH (ph)<-[:HAS_PHONE]-(r:Patient)-[:HOLDS]->(:Card)-[:PAID]->(c:Claim)-[:BY]->(d:Doctor)<-[:BY]-(o:Claim)
WHERE c.visit_type = 'inpatient' AND o.visit_type = 'inpatient'
  AND c.admit_epoch IS NOT NULL AND o.admit_epoch IS NOT NULL AND o.provider_id = c.provider_id
  AND o.admit_epoch >= c.admit_epoch - $within_days * 86400 AND o.admit_epoch <= c.admit_epoch + $within_days * 86400
  AND r.patient_id IN recruits AND NOT o.patient_id IN recruits
WITH ph, c.provider_id AS provider, d.doctor_id AS doctor, collect(DISTINCT r.patient_id) AS near,
     collect(DISTINCT o.patient_id) AS beside, collect(DISTINCT c.claim_id) AS near_claims,
     collect(DISTINCT o.claim_id) AS beside_claims
WHERE size(near) >= $min_recruits
RETURN ph.phone AS phone, provider, doctor, $within_days AS within_days, size(near) AS n_recruits,
       size(beside) AS n_beside, near + beside AS patients, [] AS cards, [provider] AS providers,
       [doctor] AS doctors, near_claims + beside_claims AS claims
