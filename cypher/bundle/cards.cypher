// title: Holders of the given cards for a case bundle
UNWIND $cards AS id
MATCH (k:Card {card_id: id})
RETURN k.card_id AS id, k.holder_id AS holder_id
ORDER BY id
