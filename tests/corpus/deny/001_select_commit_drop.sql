-- dialect: any
-- expect: deny multiple_statements
-- why: Classic stacked query that ends the read-only transaction with COMMIT and then drops a table; any second statement must be refused.
SELECT 1; COMMIT; DROP TABLE customers
