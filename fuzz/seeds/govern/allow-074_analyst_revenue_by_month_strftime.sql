-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite strftime: monthly revenue of the own region.
SELECT strftime('%Y-%m', o.ordered_at) AS month,
       round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
FROM orders o
JOIN order_lines l ON l.order_id = o.id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY 1
ORDER BY 1
