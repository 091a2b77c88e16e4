WITH u AS (UPDATE products SET price = 0 RETURNING id) SELECT count(*) FROM u
