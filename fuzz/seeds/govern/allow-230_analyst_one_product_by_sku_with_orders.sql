-- attrs: region=north
-- expect: allow
-- why: one product by its sku, its lines and their orders: the product's key narrows the lines fence, which hands its keys on to nothing (its key is composite); the orders stay filtered; the answer is the filtered copy's.
SELECT o.id, o.status, l.quantity
FROM products p
JOIN order_lines l ON l.product_id = p.id AND p.sku = 'TOY-0067'
JOIN orders o ON o.id = l.order_id
ORDER BY o.id, l.quantity
