// title: Every provider id in order (the bounds of provider partitions)
MATCH (v:Provider)
RETURN v.provider_id AS id
ORDER BY id
