-- dialect: any
-- expect: deny multiple_statements
-- why: Even two harmless SELECTs are denied: only one statement per request, so no rule can be bypassed by splitting work across statements.
SELECT count(*) FROM customers; SELECT count(*) FROM orders
