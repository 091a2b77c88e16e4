-- dialect: postgres
-- expect: deny table_not_granted
-- why: A table in a schema other than the configured one.
SELECT * FROM audit.salaries
