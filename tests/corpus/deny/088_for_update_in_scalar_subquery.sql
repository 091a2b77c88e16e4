-- dialect: postgres
-- expect: deny locking_clause
-- why: FOR UPDATE inside a scalar subquery in the select list.
SELECT (SELECT max(id) FROM (SELECT id FROM orders FOR UPDATE) x) AS m
