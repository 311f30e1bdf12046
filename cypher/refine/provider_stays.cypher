// title: Each institution's and each doctor's inpatient stays
// The norm split_admission compares an institution and a doctor with: quick re-admissions are weighed
// against how many stays there are, so a busy hospital's ordinary re-admissions are not read as stays cut in two.
MATCH (v:Provider)<-[:AT]-(c:Claim)
WHERE c.visit_type = 'inpatient'
RETURN v.provider_id AS provider, c.doctor_id AS doctor, count(c) AS n
