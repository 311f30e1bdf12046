// title: Create new Patient nodes (Neo4j load path)
// why: the engine has already looked up which keys are stored, so new nodes are CREATEd (no MERGE: no lookup, no lock on the key) from parameter columns, one list per property; a null in a list leaves that property out.
UNWIND range(0, size($patient_id) - 1) AS i
CREATE (n:Patient {
  patient_id: $patient_id[i],
  name: $name[i],
  sex: $sex[i],
  birth_date: $birth_date[i],
  birth_year: $birth_year[i],
  phone: $phone[i],
  address: $address[i],
  home_city: $home_city[i],
  death_date: $death_date[i],
  death_epoch: $death_epoch[i],
  id_number: $id_number[i]
})
