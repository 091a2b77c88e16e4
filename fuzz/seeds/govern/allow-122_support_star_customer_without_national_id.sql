-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: SELECT * for support shows e-mail, phone and birth date but not the national id.
SELECT *
FROM customers
WHERE email LIKE 'karen.brown%'
