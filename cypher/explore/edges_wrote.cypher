// title: Neighbourhood edges: claims of the shown doctors settled at the shown providers in the window, per doctor and provider
UNWIND $doctors AS id
MATCH (d:Doctor {doctor_id: id})<-[:BY]-(c:Claim)
WHERE c.provider_id IN $providers AND c.ts_epoch >= $since AND c.ts_epoch < $until
WITH id, c.provider_id AS dst, count(c) AS claims, sum(c.amount) AS amount, sum(c.fund_paid) AS fund_paid,
     min(c.ts) AS first, max(c.ts) AS last, collect(c.ts_epoch) AS times, collect(c.claim_id) AS claim_ids,
     collect(DISTINCT c.diagnosis) AS diagnoses
RETURN id AS src, dst, claims, amount, fund_paid, first, last, times, claim_ids, diagnoses
ORDER BY claims DESC, src, dst
LIMIT $limit
