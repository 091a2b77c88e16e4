-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A month's revenue by category: the orders fence, narrowed by the caller's dates, hands its keys to the order_lines fence (PostgreSQL), which must answer as the filtered copy.
SELECT p.category, count(DISTINCT o.id) AS orders, sum(l.quantity * l.unit_price) AS revenue
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
WHERE o.ordered_at >= '2025-03-01' AND o.ordered_at < '2025-04-01' AND o.status <> 'cancelled'
GROUP BY p.category
ORDER BY revenue DESC, p.category
