// title: Drop the projected graph $name from GDS memory (no error when it is already gone)
// params: name
CALL gds.graph.drop($name, false) YIELD graphName
RETURN graphName AS name
