// title: Every card id in order (the bounds of card partitions)
MATCH (k:Card)
RETURN k.card_id AS id
ORDER BY id
