// title: Upsert Doctor nodes (Neo4j load path)
// why: MERGE on the key keeps loads idempotent; absent values are left out of each row, so a null never erases a stored value.
UNWIND $rows AS r
MERGE (n:Doctor {doctor_id: r.doctor_id})
SET n += r
