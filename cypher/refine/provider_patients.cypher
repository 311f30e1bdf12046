// title: The patients seen at each provider, with their numbers of claims there
// The null model hands a place's flagged rows to customers of a place like it, by how often they
// are there, so the regulars of a busy hospital pharmacy or ward are as often flagged together by
// chance as they are in fact.
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
RETURN v.provider_id AS provider, k.holder_id AS patient, count(*) AS n_claims
