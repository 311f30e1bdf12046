// title: Number of claims (how many parts the heavy motifs run in)
MATCH (c:Claim)
RETURN count(c) AS n
