SELECT generate_series(1, 1000000000) FROM orders LIMIT 1
