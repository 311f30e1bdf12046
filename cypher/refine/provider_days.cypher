// title: The days each provider settled claims on
// The norm far_cards_same_day holds two far cards meeting at a provider against: how often two cards
// used there on so many and so many days would share a day by chance depends on how many days the
// provider is open.
MATCH (c:Claim)
RETURN c.provider_id AS provider, count(DISTINCT c.ts_epoch / 86400) AS days
