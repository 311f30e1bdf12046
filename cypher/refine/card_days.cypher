// title: The days some cards were used at each provider
// The norm far_cards_together holds a card met in a collector's runs against: one in those runs on
// most of its days at the counter goes there with the stack; a regular customer or a member of
// staff is there on many other days too. From the cards (their key), not a scan of the claims.
MATCH (k:Card)-[:PAID]->(c:Claim)
WHERE k.card_id IN $cards
RETURN k.card_id AS card, c.provider_id AS provider, count(DISTINCT c.ts_epoch / 86400) AS days
