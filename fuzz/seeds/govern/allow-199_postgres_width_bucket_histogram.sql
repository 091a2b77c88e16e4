WITH b AS (SELECT width_bucket(price, 0, 500, 10) AS bucket, count(*) AS n FROM products GROUP BY 1)
SELECT s.bucket, (s.bucket - 1) * 50 AS low, COALESCE(b.n, 0) AS n
FROM generate_series(1, 11) AS s(bucket) LEFT JOIN b ON b.bucket = s.bucket
ORDER BY s.bucket
