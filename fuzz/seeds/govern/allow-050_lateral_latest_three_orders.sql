SELECT c.id, c.name, recent.id AS order_id, recent.ordered_at
FROM customers c
CROSS JOIN LATERAL (
    SELECT o.id, o.ordered_at
    FROM orders o
    WHERE o.customer_id = c.id
    ORDER BY o.ordered_at DESC
    LIMIT 3
) recent
WHERE c.segment = 'enterprise'
ORDER BY c.id, recent.ordered_at DESC
