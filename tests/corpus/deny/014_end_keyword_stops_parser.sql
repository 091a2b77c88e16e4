-- dialect: any
-- expect: deny multiple_statements
-- why: sqlparser 0.63 stops at a bare END after a statement and returns only SELECT 1, but SQLite and PostgreSQL 15 both read END as a bare column alias and then run the DROP, so the analyzer must reject text the parser did not consume.
SELECT 1 END; DROP TABLE customers
