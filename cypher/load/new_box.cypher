// title: Create new Box nodes (Neo4j load path)
// why: a box is known by its traceability code (药品追溯码), from a sale or a purchase; new codes are CREATEd from parameter columns after the engine looked up which are stored.
UNWIND range(0, size($trace_code) - 1) AS i
CREATE (n:Box {
  trace_code: $trace_code[i],
  item_code: $item_code[i]
})
