// title: Create new Provider nodes (Neo4j load path)
// why: the engine has already looked up which keys are stored, so new nodes are CREATEd (no MERGE: no lookup, no lock on the key) from parameter columns, one list per property; a null in a list leaves that property out.
UNWIND range(0, size($provider_id) - 1) AS i
CREATE (n:Provider {
  provider_id: $provider_id[i],
  name: $name[i],
  type: $type[i],
  city: $city[i],
  lat: $lat[i],
  lon: $lon[i]
})
FOREACH (_ IN CASE WHEN $type[i] = 'pharmacy' THEN [1] ELSE [] END | SET n:Pharmacy)
FOREACH (_ IN CASE WHEN $type[i] = 'hospital' THEN [1] ELSE [] END | SET n:Hospital)
FOREACH (_ IN CASE WHEN $type[i] = 'clinic' THEN [1] ELSE [] END | SET n:Clinic)
