// title: One box by its traceability code: what it holds (box page)
MATCH (b:Box {trace_code: $id})
OPTIONAL MATCH (b)-[:OF]->(i:Item)
RETURN b.trace_code AS id, b.item_code AS item_code, i.name AS item_name
