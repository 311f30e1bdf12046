// title: Registered city and birth year of every patient (the null model's peer strata)
MATCH (p:Patient)
RETURN p.patient_id AS patient, p.home_city AS city, p.birth_year AS born
