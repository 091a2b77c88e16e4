-- attrs: region=north
-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: SQLite's needle length guard reads the needle twice; one built with random() is checked as one value and searched as another.
SELECT instr(name, CASE WHEN random() > 0 THEN 'a' ELSE city END) FROM customers
