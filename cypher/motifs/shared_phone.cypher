// title: Phone shared beyond a household
// title_zh: 多人共用联系电话
// family: gang
// weight: 0.5
// kind: indicator
// implicates: patients
// reason: {n_patients} patients at {n_addresses} different addresses give the same phone number
// One number registered for many unrelated people (different addresses): a broker who filled
// in the forms for his recruits. Families and care homes share a number and an address, so
// they are not counted.
MATCH (ph:Phone)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, count(DISTINCT p) AS n_patients, count(DISTINCT a) AS n_addresses, collect(DISTINCT p.patient_id) AS patients
WHERE n_patients >= $min_patients AND n_addresses >= $min_addresses
RETURN ph.phone AS phone, n_patients, n_addresses,
       patients, [] AS cards, [] AS providers, [] AS doctors, [] AS claims
