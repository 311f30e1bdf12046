// title: Claims of the pharmacy hours card_burst kept
// The providers and hours come as two lists; the refinement keeps the (provider, hour) pairs it asked for.
MATCH (v:Provider)<-[:AT]-(c:Claim)
WHERE v.provider_id IN $providers AND c.visit_type = 'pharmacy' AND (c.ts_epoch / 3600) IN $hours AND c.ts_epoch % 86400 <> 0
RETURN v.provider_id AS provider, c.ts_epoch / 3600 AS hour, collect(DISTINCT c.card_id) AS cards,
       collect(DISTINCT c.patient_id) AS patients, collect(c.claim_id) AS claims
