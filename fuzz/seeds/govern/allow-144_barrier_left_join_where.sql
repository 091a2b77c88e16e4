-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a failing WHERE predicate over the nullable side of a LEFT JOIN stays above the barrier.
SELECT count(*) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE 1/(CASE WHEN o.id = 3 THEN 0 ELSE 1 END) = 1
