SELECT count(*) FROM orders o, LATERAL generate_series(1, o.id * 1000000, o.id) AS g
