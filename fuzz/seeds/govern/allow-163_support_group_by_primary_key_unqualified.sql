-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: GROUP BY an unqualified primary key of the only table (a derived table for this role), selecting the customer's other visible columns next to an aggregate over a subquery.
SELECT id, name, city, (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id) AS orders
FROM customers
GROUP BY id
ORDER BY orders DESC, id
LIMIT 10
