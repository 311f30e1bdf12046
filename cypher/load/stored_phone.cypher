// title: Stored Phone nodes among these keys, with their properties (Neo4j load path)
// why: the loader creates only new keys and updates only values that changed, so a reload writes nothing.
UNWIND $keys AS k
MATCH (n:Phone {phone: k})
RETURN properties(n) AS props
