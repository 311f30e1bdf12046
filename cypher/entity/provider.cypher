// title: One provider's facts and claim totals (entity page)
MATCH (v:Provider {provider_id: $id})
OPTIONAL MATCH (c:Claim)-[:AT]->(v)
RETURN v.provider_id AS id, v.name AS name, v.type AS type, v.city AS city, v.lat AS lat, v.lon AS lon,
       count(c) AS claims, sum(c.amount) AS amount, sum(c.fund_paid) AS fund_paid, min(c.ts) AS first, max(c.ts) AS last
