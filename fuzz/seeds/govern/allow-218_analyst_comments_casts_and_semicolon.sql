-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Comments, CAST to a sized decimal, :: casts and a trailing semicolon, as clients paste SQL.
/* revenue per weekday */
SELECT extract(dow FROM o.ordered_at)::int AS weekday, -- 0 = Sunday
       to_char(o.ordered_at, 'Dy') AS day_name,
       CAST(sum(l.quantity * l.unit_price) AS DECIMAL(12, 2)) AS revenue,
       avg(l.quantity)::float8 AS avg_qty
FROM orders o JOIN order_lines l ON l.order_id = o.id
GROUP BY 1, 2
ORDER BY 1;
