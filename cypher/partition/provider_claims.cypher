// title: How many claims each provider has (the weights parts are cut by)
MATCH (c:Claim)
RETURN c.provider_id AS id, count(*) AS n
