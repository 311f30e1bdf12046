// title: One doctor's facts and claim totals (entity page)
MATCH (d:Doctor {doctor_id: $id})
OPTIONAL MATCH (c:Claim)-[:BY]->(d)
RETURN d.doctor_id AS id, d.name AS name, d.specialty AS specialty, d.provider_id AS provider_id,
       count(c) AS claims, sum(c.amount) AS amount, sum(c.fund_paid) AS fund_paid, min(c.ts) AS first, max(c.ts) AS last
