// title: Stored Box nodes among these codes, with their properties (Neo4j load path)
// why: the loader creates only new codes and updates only values that changed, so a reload writes nothing.
UNWIND $keys AS k
MATCH (n:Box {trace_code: k})
RETURN properties(n) AS props
