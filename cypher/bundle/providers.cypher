// title: Facts of the given providers for a case bundle (name, type, city)
UNWIND $providers AS id
MATCH (v:Provider {provider_id: id})
RETURN v.provider_id AS id, v.name AS name, v.type AS type, v.city AS city
ORDER BY id
