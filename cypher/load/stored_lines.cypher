// title: Which of these line keys are already stored (Neo4j load path)
// why: lets the loader create only new lines (with their links), which keeps reloads idempotent without MERGE.
UNWIND $ids AS id
MATCH (n:Line {line_key: id})
RETURN id
