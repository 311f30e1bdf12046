// title: How many lines of claims (items) each card has (the weights parts are cut by)
MATCH (l:Line)
RETURN l.card_id AS id, count(*) AS n
