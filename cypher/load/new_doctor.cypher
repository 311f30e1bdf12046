// title: Create new Doctor nodes (Neo4j load path)
// why: the engine has already looked up which keys are stored, so new nodes are CREATEd (no MERGE: no lookup, no lock on the key) from parameter columns, one list per property; a null in a list leaves that property out.
UNWIND range(0, size($doctor_id) - 1) AS i
CREATE (n:Doctor {
  doctor_id: $doctor_id[i],
  name: $name[i],
  provider_id: $provider_id[i],
  specialty: $specialty[i]
})
