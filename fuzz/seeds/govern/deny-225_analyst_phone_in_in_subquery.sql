-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A hidden column inside an IN subquery filters the outer visible rows by its value.
SELECT id, status
FROM orders
WHERE customer_id IN (SELECT id FROM customers WHERE phone LIKE '%555-7%')
