-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A correlated EXISTS looking for east orders finds none.
SELECT count(*) AS customers_with_east_orders
FROM customers c
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.region = 'east')
