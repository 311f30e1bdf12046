// title: Create new Claim nodes with their card, patient, provider and doctor links (Neo4j load path)
// why: a settlement never changes, so the engine first drops claim ids already stored and then CREATEs each new claim together with its four relationships in one transaction per batch: no MERGE, and a batch is all-or-nothing. Rows arrive as parameter columns (one list per property: cheap to send, no per-row maps), the properties are spelled out so the planner needs no Eager barrier, and a claim without a doctor simply gets no BY link.
UNWIND range(0, size($claim_id) - 1) AS i
MATCH (card:Card {card_id: $card_id[i]})
MATCH (p:Patient {patient_id: $patient_id[i]})
MATCH (v:Provider {provider_id: $provider_id[i]})
OPTIONAL MATCH (d:Doctor {doctor_id: $doctor_id[i]})
CREATE (c:Claim {
  claim_id: $claim_id[i],
  patient_id: $patient_id[i],
  card_id: $card_id[i],
  provider_id: $provider_id[i],
  doctor_id: $doctor_id[i],
  ts: $ts[i],
  ts_epoch: $ts_epoch[i],
  amount: $amount[i],
  fund_paid: $fund_paid[i],
  visit_type: $visit_type[i],
  diagnosis: $diagnosis[i],
  admit_date: $admit_date[i],
  admit_epoch: $admit_epoch[i],
  discharge_date: $discharge_date[i],
  discharge_epoch: $discharge_epoch[i],
  terminal_id: $terminal_id[i]
})
CREATE (card)-[:PAID]->(c)
CREATE (c)-[:`FOR`]->(p)
CREATE (c)-[:`AT`]->(v)
FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | CREATE (c)-[:`BY`]->(d))
