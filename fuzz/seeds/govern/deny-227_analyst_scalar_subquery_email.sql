-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A correlated scalar subquery in the select list returns the hidden e-mail under another name.
SELECT o.id,
       (SELECT c.email FROM customers c WHERE c.id = o.customer_id) AS contact
FROM orders o
WHERE o.id < 100
