-- dialect: any
-- expect: deny multiple_statements
-- why: A COMMIT hidden on a later line after a trailing block comment, meant to end the enforced read-only transaction.
SELECT count(*) FROM orders;
/* done */
COMMIT
