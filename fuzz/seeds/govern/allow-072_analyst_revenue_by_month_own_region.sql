-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Realised revenue per month for the analyst's own region from orders and order lines (the month is cut from the timestamp text, portable to both databases).
SELECT substr(CAST(o.ordered_at AS TEXT), 1, 7) AS month,
       count(DISTINCT o.id) AS orders,
       round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
FROM orders o
JOIN order_lines l ON l.order_id = o.id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY 1
ORDER BY 1
