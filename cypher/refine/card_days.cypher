// title: The days some cards were used at one provider
// The norm far_cards_together holds a card met in a collector's runs against: one in those runs on
// most of its days at the counter goes there with the stack; a regular customer or a member of
// staff is there on many other days too.
MATCH (c:Claim)
WHERE c.provider_id = $provider AND c.card_id IN $cards
RETURN c.card_id AS card, count(DISTINCT c.ts_epoch / 86400) AS days
