// title: What an id names: patient, card, provider, doctor, claim, ring, phone or address (exact match on the key)
MATCH (n:Patient {patient_id: $id}) RETURN 'patient' AS kind
UNION ALL
MATCH (n:Card {card_id: $id}) RETURN 'card' AS kind
UNION ALL
MATCH (n:Provider {provider_id: $id}) RETURN 'provider' AS kind
UNION ALL
MATCH (n:Doctor {doctor_id: $id}) RETURN 'doctor' AS kind
UNION ALL
MATCH (n:Claim {claim_id: $id}) RETURN 'claim' AS kind
UNION ALL
MATCH (n:Ring {ring_id: $id}) RETURN 'ring' AS kind
UNION ALL
MATCH (n:Phone {phone: $id}) RETURN 'phone' AS kind
UNION ALL
MATCH (n:Address {address: $id}) RETURN 'address' AS kind
