-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A LATERAL subquery returning the hidden e-mail of each order's customer.
SELECT o.id, x.e
FROM orders o
CROSS JOIN LATERAL (SELECT c.email AS e FROM customers c WHERE c.id = o.customer_id) x
WHERE o.id < 50
