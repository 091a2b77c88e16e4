-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Share of discounted order lines per product category (discount and price are visible; cost is not used).
SELECT p.category,
       count(*) AS lines,
       sum(CASE WHEN l.discount > 0 THEN 1 ELSE 0 END) AS discounted_lines,
       round(avg(l.discount), 4) AS avg_discount
FROM order_lines l
JOIN products p ON p.id = l.product_id
GROUP BY p.category
ORDER BY p.category
