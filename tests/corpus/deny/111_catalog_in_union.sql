-- dialect: postgres
-- expect: deny table_not_granted
-- why: Catalog relation in the second branch of a UNION.
SELECT name FROM customers UNION SELECT usename FROM pg_user
