// title: Upsert Box nodes (Neo4j load path)
// why: MERGE on the code keeps loads idempotent; absent values are left out of each row, so a null never erases a stored value.
UNWIND $rows AS r
MERGE (n:Box {trace_code: r.trace_code})
SET n += r
