// title: Claims each doctor has at each provider
// The null model's stand-in doctors: a row moved to another provider takes one of that provider's
// own doctors, drawn by their numbers of claims there (a busy ward's doctor is flagged as often
// as his workload predicts, not as rarely as one doctor among all of them).
MATCH (c:Claim)-[:AT]->(v:Provider)
WHERE c.doctor_id IS NOT NULL AND c.doctor_id <> ''
RETURN v.provider_id AS provider, c.doctor_id AS doctor, count(*) AS n_claims
