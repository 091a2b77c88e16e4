SELECT count(*) AS west_orders
FROM main.orders o
JOIN main.customers c ON c.id = o.customer_id
WHERE c.region = 'west'
