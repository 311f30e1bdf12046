// title: Which of these claim ids are already stored (Neo4j load path)
// why: lets the loader create only new claims, which keeps reloads idempotent without MERGE.
UNWIND $ids AS id
MATCH (c:Claim {claim_id: id})
RETURN id
