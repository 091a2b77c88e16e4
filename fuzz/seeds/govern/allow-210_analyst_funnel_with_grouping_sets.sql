-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: GROUPING SETS with GROUPING() to label subtotals, and NULLS FIRST.
SELECT CASE WHEN GROUPING(p.category) = 1 THEN 'all' ELSE p.category END AS category,
       o.status, count(*) AS lines
FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
GROUP BY GROUPING SETS ((p.category, o.status), (o.status), ())
ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
