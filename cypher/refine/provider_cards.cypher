// title: Distinct cards seen at each provider
// The denominator of a provider's share of cards that are far from their own places.
MATCH (k:Card)-[:PAID]->(c:Claim)-[:AT]->(v:Provider)
RETURN v.provider_id AS provider, v.city AS city, v.type AS type, count(DISTINCT k.card_id) AS n_cards
