-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: p.* in a join with order lines expands to the visible product columns.
SELECT p.*, l.quantity, l.unit_price
FROM order_lines l
JOIN products p ON p.id = l.product_id
WHERE l.order_id = 1
