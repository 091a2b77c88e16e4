-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A correlated EXISTS testing a hidden column is an oracle even though only order ids come back.
SELECT o.id
FROM orders o
WHERE EXISTS (
    SELECT 1 FROM customers c
    WHERE c.id = o.customer_id AND c.national_id LIKE 'NID-8%'
)
