// title: One stranger's phone, admitted together
// title_zh: 登记同一非本户电话的参保人同期住院
// family: gang
// line: recruits
// weight: 0.6
// kind: indicator
// implicates: patients cards providers doctors
// links: doctors
// defaults: {min_patients = 4, min_addresses = 3, min_alone = 2, within_days = 1, min_recruits = 2}
// roles: patient=recruit provider=admitting_institution doctor=admitting_doctor
// reason: {n_recruits} patients who give one stranger's phone number were admitted to {provider} by doctor {doctor} within {within_days} day(s) of one another
// reason_zh: {n_recruits} 名登记同一非本户电话的参保人在 {within_days} 天内先后由医师 {doctor} 收治入住 {provider}
// Two independent things at once: a phone number given by people who live apart (the shared_phone
// rule: alone at their addresses) and, among them, patients one doctor admitted at one institution
// within days of one another. A care home's or a company's phone, or a child registering parents,
// explains the number; ordinary illness explains an admission; a broker who fills in his recruits'
// forms (代办) and brings them in together (诱导住院) explains both. On its own the phone is a weak
// line (shared_phone); this motif is the corroborated form.
MATCH (ph:Phone)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, a, count(p) AS here
WITH ph, count(a) AS n_addresses, sum(here) AS n_patients,
     sum(CASE WHEN here = 1 THEN 1 ELSE 0 END) AS n_alone
WHERE n_patients >= $min_patients AND n_addresses >= $min_addresses AND n_alone >= $min_alone
MATCH (ph)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, a, count(p) AS here, min(p.patient_id) AS lone
WHERE here = 1
WITH ph, collect(lone) AS recruits
MATCH (ph)<-[:HAS_PHONE]-(r:Patient)<-[:`FOR`]-(c:Claim)-[:BY]->(d:Doctor)<-[:BY]-(o:Claim)-[:`FOR`]->(q:Patient)-[:HAS_PHONE]->(ph)
WHERE c.visit_type = 'inpatient' AND o.visit_type = 'inpatient' AND r.patient_id <> q.patient_id
  AND c.admit_epoch IS NOT NULL AND o.admit_epoch IS NOT NULL AND o.provider_id = c.provider_id
  AND o.admit_epoch >= c.admit_epoch - $within_days * 86400 AND o.admit_epoch <= c.admit_epoch + $within_days * 86400
  AND r.patient_id IN recruits AND q.patient_id IN recruits
WITH ph, c.provider_id AS provider, d.doctor_id AS doctor, collect(DISTINCT r.patient_id) AS together,
     collect(DISTINCT c.card_id) AS cards, collect(DISTINCT c.claim_id) AS claims
WHERE size(together) >= $min_recruits
RETURN ph.phone AS phone, provider, doctor, $within_days AS within_days, size(together) AS n_recruits,
       together AS patients, cards, [provider] AS providers, [doctor] AS doctors, claims
