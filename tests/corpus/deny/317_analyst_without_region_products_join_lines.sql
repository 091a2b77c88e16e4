-- role: analyst
-- dialect: any
-- expect: deny attribute_missing
-- why: products has no row filter but order_lines does; touching it without the attribute is refused.
SELECT p.category, sum(l.quantity) AS units
FROM order_lines l
JOIN products p ON p.id = l.product_id
GROUP BY p.category
