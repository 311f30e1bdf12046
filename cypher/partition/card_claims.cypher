// title: How many claims each card has (the weights parts are cut by)
MATCH (c:Claim)
RETURN c.card_id AS id, count(*) AS n
