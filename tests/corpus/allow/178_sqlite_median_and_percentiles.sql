-- role: analyst
-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: The median is asked of every table; SQLite's percentile extension is compiled in.
SELECT p.category, median(l.unit_price) AS median_price, percentile(l.quantity, 90) AS p90
FROM order_lines l JOIN products p ON p.id = l.product_id GROUP BY p.category ORDER BY p.category
