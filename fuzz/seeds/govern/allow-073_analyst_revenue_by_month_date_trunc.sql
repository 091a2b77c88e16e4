-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: PostgreSQL date_trunc and to_char: monthly revenue of the own region.
SELECT to_char(date_trunc('month', o.ordered_at), 'YYYY-MM') AS month,
       round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
FROM orders o
JOIN order_lines l ON l.order_id = o.id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY 1
ORDER BY 1
