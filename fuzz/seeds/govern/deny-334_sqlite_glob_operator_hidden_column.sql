-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: the GLOB operator over a hidden column is refused like any other use of it.
SELECT id FROM customers WHERE email GLOB 'a*'
