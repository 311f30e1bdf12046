// title: Leiden communities of the projected graph $name (weighted, seeded, one thread so a seed gives one answer)
// params: name, seed, gamma
CALL gds.leiden.stream($name, {relationshipWeightProperty: 'weight', randomSeed: $seed, concurrency: 1, gamma: $gamma})
YIELD nodeId, communityId
RETURN nodeId AS node, communityId AS community
