// title: Wait until every index is online (Neo4j)
// why: after a bulk import the constraints and indexes are built from scratch; the load counts as done only when queries can use them.
CALL db.awaitIndexes($seconds)
