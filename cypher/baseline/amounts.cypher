// title: Baseline amounts
// The data's own typical purchase, so value thresholds follow the data rather than a fixed sum.
MATCH (c:Claim)
WHERE c.visit_type = 'pharmacy'
RETURN count(c) AS pharmacy_claims, avg(c.amount) AS pharmacy_avg
