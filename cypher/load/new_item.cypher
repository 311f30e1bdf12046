// title: Create new Item nodes (Neo4j load path)
// why: the engine has already looked up which keys are stored, so new nodes are CREATEd (no MERGE: no lookup, no lock on the key) from parameter columns, one list per property; a null in a list leaves that property out.
UNWIND range(0, size($item_code) - 1) AS i
CREATE (n:Item {
  item_code: $item_code[i],
  name: $name[i]
})
