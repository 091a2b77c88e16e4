-- dialect: any
-- expect: deny unsupported_syntax
-- why: a literal whose printed form would let text after a backslash-quote become SQL (here a hidden-column subquery) must be refused, not sent.
SELECT 1 AS '\'' , (SELECT national_id FROM customers) AS x, ''' FROM orders
