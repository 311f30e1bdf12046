// title: Which of these purchase keys are already stored (Neo4j load path)
// why: lets the loader create only new purchases (with their links), which keeps reloads idempotent without MERGE.
UNWIND $ids AS id
MATCH (n:Purchase {purchase_key: id})
RETURN id
