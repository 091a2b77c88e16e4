-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a failing predicate in JOIN ... ON runs only on visible rows of both sides.
SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id AND 1/(CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1
