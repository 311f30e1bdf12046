// title: Facts shown on card nodes
UNWIND $ids AS id
MATCH (k:Card {card_id: id})
RETURN id AS id, k.holder_id AS holder_id
