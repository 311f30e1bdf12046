// title: One card's facts and claim totals (entity page)
MATCH (k:Card {card_id: $id})
OPTIONAL MATCH (k)-[:PAID]->(c:Claim)
RETURN k.card_id AS id, k.holder_id AS holder_id,
       count(c) AS claims, sum(c.amount) AS amount, sum(c.fund_paid) AS fund_paid, min(c.ts) AS first, max(c.ts) AS last
