-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a failing predicate inside a correlated EXISTS runs only on visible orders.
SELECT count(*) FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND 1/(CASE WHEN o.id = 3 THEN 0 ELSE 1 END) = 1)
