// title: What the graph remembers about inbox files, by content hash
UNWIND $hashes AS h
MATCH (f:InboxFile {sha256: h})
RETURN f.sha256 AS sha256, f.name AS name, f.delivery AS delivery, f.status AS status, f.run_id AS run_id, f.at AS at
