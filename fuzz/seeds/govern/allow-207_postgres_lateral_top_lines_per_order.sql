-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: CROSS JOIN LATERAL for each order's two largest lines.
SELECT o.id, t.line_no, t.value
FROM orders o
CROSS JOIN LATERAL (
  SELECT l.line_no, l.quantity * l.unit_price AS value FROM order_lines l WHERE l.order_id = o.id
  ORDER BY value DESC LIMIT 2
) t
WHERE o.ordered_at >= DATE '2025-12-01'
ORDER BY o.id, t.value DESC
LIMIT 40
