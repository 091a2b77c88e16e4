-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: PostgreSQL extract(isodow) and to_char: orders per weekday in 2025.
SELECT extract(isodow FROM ordered_at) AS dow,
       to_char(min(ordered_at), 'Dy') AS day_name,
       count(*) AS orders
FROM orders
WHERE ordered_at >= DATE '2025-01-01'
GROUP BY 1
ORDER BY 1
