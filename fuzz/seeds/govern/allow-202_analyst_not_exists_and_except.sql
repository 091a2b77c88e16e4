-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Products never ordered in the region (NOT EXISTS), and the same by EXCEPT: both must agree with the filtered copy.
SELECT 'not_exists' AS how, count(*) AS n FROM products p
WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.product_id = p.id)
UNION ALL
SELECT 'except', count(*) FROM (SELECT id FROM products EXCEPT SELECT product_id FROM order_lines) x
