SELECT 1 AS '\'' , (SELECT national_id FROM customers) AS x, ''' FROM orders
