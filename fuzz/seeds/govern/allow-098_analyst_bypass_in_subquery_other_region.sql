-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Asking for orders of south customers through a subquery: the subquery is row-filtered too, so the answer is empty.
SELECT id, status
FROM orders
WHERE customer_id IN (SELECT id FROM customers WHERE region = 'south')
