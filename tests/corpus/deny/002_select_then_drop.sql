-- dialect: any
-- expect: deny multiple_statements
-- why: A legitimate-looking SELECT followed by a destructive DROP TABLE in the same request.
SELECT * FROM orders LIMIT 1; DROP TABLE orders
