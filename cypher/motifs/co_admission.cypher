// title: Admitted together by the same doctor
// title_zh: 同一医生同期收治
// family: gang
// weight: 0.5
// kind: link
// defaults: {window_days = 2, max_group = 6}
// roles: patient=admitted_patient
// implicates: patients
// links: none
// reason: {n_patients} patients admitted to {provider} by doctor {doctor} within {window_days} days
// reason_zh: {provider} 医师 {doctor} 在 {window_days} 天内同期收治 {n_patients} 名参保人
// Small groups of inpatients one doctor admitted at one institution within a couple of days.
// On its own this is ordinary ward work, so it flags nobody; it ties together recruits a broker
// brings in a few at a time (诱导住院), so patients admitted beside suspicious ones share their
// suspicion and land in the same ring. Busy doctor-days (more than max_group) say nothing.
MATCH (c:Claim)
WHERE c.visit_type = 'inpatient' AND c.admit_epoch IS NOT NULL AND c.doctor_id IS NOT NULL
WITH c.provider_id AS provider, c.doctor_id AS doctor, c.admit_epoch / ($window_days * 86400) AS window,
     collect(DISTINCT c.patient_id) AS patients, collect(DISTINCT c.card_id) AS cards, collect(c.claim_id) AS claims
WHERE size(patients) >= 2 AND size(patients) <= $max_group
RETURN provider, doctor, window, $window_days AS window_days, size(patients) AS n_patients,
       patients, cards, [provider] AS providers, [doctor] AS doctors, claims
