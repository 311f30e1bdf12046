// title: How a box came in: the purchases that brought it (box page)
MATCH (b:Box {trace_code: $id})<-[:BROUGHT_IN]-(u:Purchase)<-[:PURCHASED]-(v:Provider)
RETURN v.provider_id AS provider_id, v.name AS provider_name, u.purchased_at AS purchased_at, u.quantity AS quantity,
       u.supplier AS supplier
ORDER BY purchased_at, provider_id
