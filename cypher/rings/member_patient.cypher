// title: Patient members of rings, with their role
// mode: write
UNWIND $rows AS row
MATCH (n:Patient {patient_id: row.id}), (r:Ring {ring_id: row.ring_id})
MERGE (n)-[m:MEMBER_OF]->(r)
SET m.role = row.role
