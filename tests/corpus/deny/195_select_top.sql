-- dialect: any
-- expect: deny unsupported_syntax
-- why: SQL Server TOP is not a construct of either target database.
SELECT TOP 5 * FROM orders
