// title: Synchronised co-visits
// title_zh: 同步就诊
// family: gang
// weight: 0.25
// kind: link
// refine: co_visits
// defaults: {bucket_s = 1800, max_group = 12, min_days = 3}
// python_only: min_days
// roles: patient=companion
// partition: providers
// implicates: patients
// reason: patients {pair} visited {provider} together on {n_days} different days
// reason_zh: 参保人 {pair} 在 {n_days} 个不同日期同时到 {provider} 就诊
// Candidate groups: patients at one provider in the same half hour (small groups only; a busy
// hour says nothing). graphfraud.detect.motifs keeps pairs seen together on min_days days.
// A claim settled at exactly 00:00:00 carries a date, not a time of day (an export with dates only): left out.
MATCH (c:Claim)
WHERE c.provider_id >= $part_lo AND c.provider_id <= $part_hi AND c.ts_epoch % 86400 <> 0
WITH c.provider_id AS provider, c.ts_epoch / $bucket_s AS bucket,
     collect(DISTINCT c.patient_id) AS patient_list, collect(c.claim_id) AS claim_list
WHERE size(patient_list) >= 2 AND size(patient_list) <= $max_group
RETURN provider, bucket, patient_list, claim_list
