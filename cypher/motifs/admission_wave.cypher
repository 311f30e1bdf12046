// title: Admission wave
// title_zh: 集中住院
// family: gang
// weight: 0.35
// kind: indicator
// line: admission
// defaults: {window_days = 2, min_patients = 4, rate_factor = 3.0}
// roles: patient=admitted_patient provider=admitting_institution doctor=admitting_doctor
// implicates: patients cards providers doctors
// reason: {n_patients} patients admitted to {provider} within {window_days} days, by {n_doctors} doctors ({ratio:.1f}× the usual number)
// reason_zh: {n_patients} 名参保人在 {window_days} 天内入住 {provider}，由 {n_doctors} 名医师收治（为该机构平常的 {ratio:.1f} 倍）
// Many patients admitted together at one institution, far above its own usual admissions:
// recruited "patients" brought in as a group (诱导住院).
MATCH (v:Provider)<-[:AT]-(c:Claim)
WHERE c.visit_type = 'inpatient' AND c.admit_epoch IS NOT NULL
WITH v, count(c) AS total, count(DISTINCT c.admit_epoch / ($window_days * 86400)) AS active_windows
MATCH (v)<-[:AT]-(c:Claim)
WHERE c.visit_type = 'inpatient' AND c.admit_epoch IS NOT NULL
WITH v, total, active_windows, c.admit_epoch / ($window_days * 86400) AS window,
     count(DISTINCT c.patient_id) AS n_patients, collect(DISTINCT c.patient_id) AS patients,
     collect(DISTINCT c.card_id) AS cards, collect(DISTINCT c.doctor_id) AS doctors, collect(c.claim_id) AS claims
WHERE n_patients >= $min_patients AND n_patients >= $rate_factor * total / active_windows
RETURN v.provider_id AS provider, window, $window_days AS window_days, n_patients, size(doctors) AS n_doctors,
       round(1.0 * n_patients * active_windows / total, 2) AS ratio,
       patients, cards, [v.provider_id] AS providers, doctors, claims
