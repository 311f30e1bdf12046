// title: Facts of the given doctors for a case bundle (name, institution, specialty)
UNWIND $doctors AS id
MATCH (d:Doctor {doctor_id: id})
RETURN d.doctor_id AS id, d.name AS name, d.provider_id AS provider_id, d.specialty AS specialty
ORDER BY id
