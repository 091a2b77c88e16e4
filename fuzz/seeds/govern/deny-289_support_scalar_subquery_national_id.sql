-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A correlated scalar subquery returning the hidden national id of an order's customer.
SELECT o.id,
       (SELECT c.national_id FROM customers c WHERE c.id = o.customer_id) AS nid
FROM orders o
WHERE o.id = 1
