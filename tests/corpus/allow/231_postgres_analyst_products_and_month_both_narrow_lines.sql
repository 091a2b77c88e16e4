-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a month of orders and a product category both narrow the lines: the lines fence takes both sets of keys (PostgreSQL) and the answer is the filtered copy's.
SELECT p.category, date_trunc('month', o.ordered_at) AS month, count(*) AS lines
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
WHERE o.ordered_at >= '2025-03-01' AND o.ordered_at < '2025-06-01'
  AND p.category <> 'Grocery' AND p.id BETWEEN 1 AND 100
GROUP BY 1, 2
ORDER BY 1, 2
