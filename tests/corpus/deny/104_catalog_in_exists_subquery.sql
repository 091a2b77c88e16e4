-- dialect: postgres
-- expect: deny table_not_granted
-- why: Catalog relation hidden in an EXISTS subquery (boolean oracle).
SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolsuper AND rolname = 'postgres')
