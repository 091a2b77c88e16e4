-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A hidden column filtering one branch of an INTERSECT.
SELECT id FROM customers WHERE phone LIKE '%0'
INTERSECT
SELECT customer_id FROM orders
