-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a predicate that divides by zero on an other-region order (customer 15 is east) must never run on that row: the answer equals the north-only copy's.
SELECT count(*) FROM orders WHERE 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1
