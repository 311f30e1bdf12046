// title: How many lines of claims (items) each provider has (the weights parts are cut by)
MATCH (l:Line)
RETURN l.provider_id AS id, count(*) AS n
