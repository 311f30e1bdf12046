// title: Create new Claim nodes with their card, patient, provider and doctor links (Neo4j load path)
// why: a settlement never changes, so the engine first drops claim ids already stored and then CREATEs each new claim together with its four relationships in one transaction per batch: no MERGE scans on busy providers, and a batch is all-or-nothing.
UNWIND $rows AS r
MATCH (card:Card {card_id: r.card_id})
MATCH (p:Patient {patient_id: r.patient_id})
MATCH (v:Provider {provider_id: r.provider_id})
CREATE (c:Claim)
SET c = r
CREATE (card)-[:PAID]->(c)
CREATE (c)-[:`FOR`]->(p)
CREATE (c)-[:`AT`]->(v)
WITH c, r
MATCH (d:Doctor {doctor_id: r.doctor_id})
CREATE (c)-[:`BY`]->(d)
