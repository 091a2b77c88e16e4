-- dialect: any
-- expect: allow
-- why: A string literal containing '; DROP TABLE orders; --' (with a doubled quote) is data, not a second statement.
SELECT count(*) AS matches
FROM customers
WHERE name = '''; DROP TABLE orders; --'
