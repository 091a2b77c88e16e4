-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A pivot by CASE inside SUM: revenue per customer segment and status, joined through customers (personal columns not used).
SELECT c.segment,
       SUM(CASE WHEN o.status = 'delivered' THEN l.quantity * l.unit_price ELSE 0 END) AS delivered,
       SUM(CASE WHEN o.status IN ('returned', 'cancelled') THEN l.quantity * l.unit_price ELSE 0 END) AS lost,
       ROUND(100.0 * SUM(CASE WHEN o.status = 'returned' THEN 1 ELSE 0 END) / NULLIF(COUNT(*), 0), 2) AS return_rate
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_lines l ON l.order_id = o.id
GROUP BY c.segment
ORDER BY c.segment
