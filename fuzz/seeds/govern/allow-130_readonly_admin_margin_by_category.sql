SELECT category, round(avg(price - cost), 2) AS avg_unit_margin
FROM products
GROUP BY category
ORDER BY category
