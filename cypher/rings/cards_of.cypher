// title: Cards held by the given patients
UNWIND $patients AS id
MATCH (p:Patient {patient_id: id})-[:HOLDS]->(k:Card)
RETURN p.patient_id AS patient, k.card_id AS card
