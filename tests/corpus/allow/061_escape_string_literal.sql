-- dialect: postgres
-- expect: allow
-- why: An E'' string with an escaped quote and a semicolon is a single literal.
SELECT E'it\'s fine; really' AS note, count(*) AS products FROM products
