SELECT category, count(*) AS products, round(avg(price), 2) AS avg_price
FROM products
WHERE active = TRUE
GROUP BY category
HAVING count(*) >= 5
ORDER BY avg_price DESC
