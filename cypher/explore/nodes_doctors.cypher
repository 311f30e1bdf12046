// title: Facts shown on doctor nodes
UNWIND $ids AS id
MATCH (d:Doctor {doctor_id: id})
RETURN id AS id, d.name AS name, d.specialty AS specialty, d.provider_id AS provider_id
