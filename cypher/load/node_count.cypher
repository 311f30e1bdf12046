// title: How many nodes the database holds (Neo4j bulk path)
// why: a bulk import replaces the whole database, so it runs only on an empty one unless told to overwrite; the count store answers at once.
MATCH (n)
RETURN count(n) AS n
