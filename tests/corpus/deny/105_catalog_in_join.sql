-- dialect: postgres
-- expect: deny table_not_granted
-- why: Catalog relation in a JOIN.
SELECT c.name, r.rolname FROM customers c JOIN pg_roles r ON r.oid = c.id
