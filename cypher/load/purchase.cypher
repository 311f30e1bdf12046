// title: Create new Purchase nodes with their provider and box links (Neo4j load path)
// why: a purchase is known by its key (the provider and the export's purchase number, or a digest of all the row says), so a stored one is the same purchase: the engine drops stored keys and CREATEs each new purchase with its PURCHASED link from the provider and, for a box, its BROUGHT_IN link, in one transaction per batch.
UNWIND range(0, size($purchase_key) - 1) AS i
MATCH (v:Provider {provider_id: $provider_id[i]})
OPTIONAL MATCH (b:Box {trace_code: $trace_code[i]})
CREATE (u:Purchase {
  purchase_key: $purchase_key[i],
  provider_id: $provider_id[i],
  item_code: $item_code[i],
  trace_code: $trace_code[i],
  purchased_at: $purchased_at[i],
  purchased_epoch: $purchased_epoch[i],
  quantity: $quantity[i],
  supplier: $supplier[i],
  purchase_id: $purchase_id[i]
})
CREATE (v)-[:`PURCHASED`]->(u)
FOREACH (_ IN CASE WHEN b IS NULL THEN [] ELSE [1] END | CREATE (u)-[:`BROUGHT_IN`]->(b))
