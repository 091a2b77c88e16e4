-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: order_lines is filtered by a subquery (a semi-join PostgreSQL evaluates after the caller's predicate when it flattens); order 3 is east.
SELECT count(*) FROM order_lines WHERE 1/(CASE WHEN order_id = 3 THEN 0 ELSE 1 END) = 1
