-- dialect: postgres
-- expect: deny multiple_statements
-- why: sqlparser 0.63 parses TABLE t by blindly consuming the next three tokens, so it swallows '; COMMIT' and reports one statement while PostgreSQL runs a SELECT and a COMMIT; statement counting must not trust the parser alone.
SELECT * FROM customers UNION TABLE customers; COMMIT;
