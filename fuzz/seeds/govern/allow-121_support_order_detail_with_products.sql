-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Order detail for a customer: product names and prices (never cost).
SELECT o.id AS order_id, l.line_no, p.sku, p.name, l.quantity, l.unit_price, l.discount
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
WHERE c.email = 'karen.brown8@example.com'
ORDER BY o.id, l.line_no
