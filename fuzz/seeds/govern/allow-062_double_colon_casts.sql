SELECT ordered_at::date AS day, count(*) AS orders
FROM orders
WHERE ordered_at >= '2025-12-01'::date
GROUP BY 1
ORDER BY 1
