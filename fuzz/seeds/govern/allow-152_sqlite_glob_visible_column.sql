-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: issue 8: GLOB is SQLite's pattern match; governed like LIKE, on a visible column it answers only the role's rows.
SELECT id, city FROM customers WHERE city GLOB 'S*' ORDER BY id
