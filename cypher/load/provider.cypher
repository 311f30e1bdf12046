// title: Upsert Provider nodes (Neo4j load path)
// why: MERGE on the key keeps loads idempotent; the extra Pharmacy/Hospital/Clinic label lets Browser and Bloom users style and filter providers by type.
UNWIND $rows AS r
MERGE (n:Provider {provider_id: r.provider_id})
SET n += r
FOREACH (_ IN CASE WHEN r.type = 'pharmacy' THEN [1] ELSE [] END | SET n:Pharmacy)
FOREACH (_ IN CASE WHEN r.type = 'hospital' THEN [1] ELSE [] END | SET n:Hospital)
FOREACH (_ IN CASE WHEN r.type = 'clinic' THEN [1] ELSE [] END | SET n:Clinic)
