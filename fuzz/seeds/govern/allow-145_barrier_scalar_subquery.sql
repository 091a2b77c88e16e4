-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a failing predicate in a scalar subquery of the select list.
SELECT (SELECT count(*) FROM orders WHERE 1/(CASE WHEN id = 3 THEN 0 ELSE 1 END) = 1) AS n
