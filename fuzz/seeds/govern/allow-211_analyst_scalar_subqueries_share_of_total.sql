-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Share of total with a scalar subquery in the select list and in HAVING.
SELECT p.category, SUM(l.quantity) AS units,
       ROUND(100.0 * SUM(l.quantity) / (SELECT SUM(quantity) FROM order_lines), 2) AS pct
FROM order_lines l JOIN products p ON p.id = l.product_id
GROUP BY p.category
HAVING SUM(l.quantity) > (SELECT AVG(quantity) FROM order_lines)
ORDER BY units DESC
