-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A hidden column used as an extra JOIN ON condition filters rows by its value.
SELECT o.id, o.status
FROM orders o
JOIN customers c ON c.id = o.customer_id AND c.phone LIKE '+1-317%'
