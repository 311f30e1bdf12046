// title: Create new Card nodes (Neo4j load path)
// why: the engine has already looked up which keys are stored, so new nodes are CREATEd (no MERGE: no lookup, no lock on the key) from parameter columns, one list per property; a null in a list leaves that property out.
UNWIND range(0, size($card_id) - 1) AS i
CREATE (n:Card {
  card_id: $card_id[i],
  holder_id: $holder_id[i]
})
