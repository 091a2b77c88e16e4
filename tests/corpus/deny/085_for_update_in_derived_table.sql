-- dialect: postgres
-- expect: deny locking_clause
-- why: FOR UPDATE inside a derived table still locks rows.
SELECT count(*) FROM (SELECT id FROM orders FOR UPDATE) s
