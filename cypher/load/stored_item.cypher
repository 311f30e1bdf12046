// title: Stored Item nodes among these keys, with their properties (Neo4j load path)
// why: the loader creates only new keys and updates only values that changed, so a reload writes nothing.
UNWIND $keys AS k
MATCH (n:Item {item_code: k})
RETURN properties(n) AS props
