// title: Neighbourhood edges: claims the shown cards paid at the shown providers in the window, per card and provider
// why: one edge per card → provider with its claims' count, amounts, times and diagnoses for tooltips and the page's
//      time filter; $limit bounds the rows (the caller says when it cut).
UNWIND $cards AS id
MATCH (k:Card {card_id: id})-[:PAID]->(c:Claim)
WHERE c.provider_id IN $providers AND c.ts_epoch >= $since AND c.ts_epoch < $until
WITH id, c.provider_id AS dst, count(c) AS claims, sum(c.amount) AS amount, sum(c.fund_paid) AS fund_paid,
     min(c.ts) AS first, max(c.ts) AS last, collect(c.ts_epoch) AS times, collect(c.claim_id) AS claim_ids,
     collect(DISTINCT c.diagnosis) AS diagnoses
RETURN id AS src, dst, claims, amount, fund_paid, first, last, times, claim_ids, diagnoses
ORDER BY claims DESC, src, dst
LIMIT $limit
