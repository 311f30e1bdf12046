// title: Phone shared beyond a household
// title_zh: 多人共用联系电话
// family: gang
// weight: 0.7
// kind: indicator
// line: phone
// defaults: {min_patients = 4, min_addresses = 3, min_alone = 2}
// roles: patient=phone_sharer
// joins: yes
// implicates: patients
// reason: {n_alone} patients, each at a different address, give the same phone number ({n_patients} patients at {n_addresses} addresses in all)
// reason_zh: {n_alone} 名住址各不相同的参保人登记了同一联系电话（共 {n_patients} 人、{n_addresses} 个住址）
// One number registered for many unrelated people: a broker who filled in the forms for his
// recruits (代办). Families and care homes share a number *and* an address, so only patients
// who are alone at their address with that number are implicated and counted; the household
// that owns the number is not. In a ring whose core holds two or more of a number's patients,
// and at least a third of them, the others who give that number join it (the broker and the
// recruits whose own care left no trace): the number is the ring's, as its doctor is.
MATCH (ph:Phone)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, a, count(p) AS here
WITH ph, count(a) AS n_addresses, sum(here) AS n_patients,
     sum(CASE WHEN here = 1 THEN 1 ELSE 0 END) AS n_alone
WHERE n_patients >= $min_patients AND n_addresses >= $min_addresses AND n_alone >= $min_alone
MATCH (ph)<-[:HAS_PHONE]-(p:Patient)-[:LIVES_AT]->(a:Address)
WITH ph, n_addresses, n_patients, n_alone, a, count(p) AS here, min(p.patient_id) AS lone
WHERE here = 1
RETURN ph.phone AS phone, n_patients, n_addresses, n_alone,
       collect(lone) AS patients, [] AS cards, [] AS providers, [] AS doctors, [] AS claims
