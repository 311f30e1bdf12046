// title: Upsert Item nodes (Neo4j load path)
// why: MERGE on the key keeps loads idempotent; absent values are left out of each row, so a null never erases a stored value (a later file may name a drug an earlier one did not).
UNWIND $rows AS r
MERGE (n:Item {item_code: r.item_code})
SET n += r
