// title: Patient members of rings, with their role
// why: two MATCH clauses, not one with a comma: the embedded engine joins the comma form as a product
//      (3,000 rows of a 10^6-claim run: 2.7 s, against 0.1 s as written here).
// mode: write
UNWIND $rows AS row
MATCH (n:Patient {patient_id: row.id})
MATCH (r:Ring {ring_id: row.ring_id})
MERGE (n)-[m:MEMBER_OF]->(r)
SET m.role = row.role
