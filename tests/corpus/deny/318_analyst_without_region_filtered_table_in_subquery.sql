-- role: analyst
-- dialect: any
-- expect: deny attribute_missing
-- why: The filtered table appears only inside a subquery; still refused without the attribute.
SELECT count(*) AS ordered_products
FROM products
WHERE id IN (SELECT product_id FROM order_lines)
