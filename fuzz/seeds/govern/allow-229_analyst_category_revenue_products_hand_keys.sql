-- attrs: region=north
-- expect: allow
-- why: a product category narrows the products, which the analyst reads without a row filter: their keys go into the lines fence (PostgreSQL); the answer is the filtered copy's on both databases.
SELECT p.name, count(*) AS lines, sum(l.quantity * l.unit_price) AS revenue
FROM order_lines l
JOIN products p ON p.id = l.product_id
WHERE p.category IN ('Books', 'Toys & Games') AND p.active = true
GROUP BY p.name
ORDER BY revenue DESC, p.name
LIMIT 10
