-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Top ten products by units sold in the own region, with visible product columns only (no cost).
SELECT p.id, p.sku, p.name, p.category, sum(l.quantity) AS units
FROM order_lines l
JOIN products p ON p.id = l.product_id
GROUP BY p.id, p.sku, p.name, p.category
ORDER BY units DESC, p.id
LIMIT 10
