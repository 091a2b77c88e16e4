-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: The median is asked of every table; on SQLite it is written with window functions (the percentile extension is not compiled in).
WITH ranked AS (SELECT unit_price, row_number() OVER (ORDER BY unit_price) AS rn, count(*) OVER () AS n FROM order_lines)
SELECT avg(unit_price) AS median_price FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
