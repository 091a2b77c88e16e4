-- dialect: any
-- expect: allow
-- why: Block and line comments containing DROP/DELETE/TRUNCATE and semicolons are ignored.
/* DROP TABLE orders; DELETE FROM customers; */
SELECT count(*) AS orders -- ; TRUNCATE order_lines
FROM orders
