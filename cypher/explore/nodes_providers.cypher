// title: Facts shown on provider nodes
UNWIND $ids AS id
MATCH (v:Provider {provider_id: id})
RETURN id AS id, v.name AS name, v.type AS type, v.city AS city
