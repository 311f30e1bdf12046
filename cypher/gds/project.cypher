// title: Project the suspicion-weighted graph into GDS under $name (nodes are the projection's integer ids; each edge once, undirected)
// params: name, edges (a list of [source, target, weight])
UNWIND $edges AS e
WITH gds.graph.project($name, e[0], e[1], {relationshipProperties: {weight: e[2]}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
