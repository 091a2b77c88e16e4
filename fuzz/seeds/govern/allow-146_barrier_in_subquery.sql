-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a failing predicate inside IN (SELECT ...), which PostgreSQL turns into a semi-join.
SELECT count(*) FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE 1/(CASE WHEN id = 3 THEN 0 ELSE 1 END) = 1)
