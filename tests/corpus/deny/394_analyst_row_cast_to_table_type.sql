-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: A ROW(...) cast to the table's row type, then a field of it.
SELECT (ROW(1, 'a', 'b', 'c', 'd', NULL, 'north', 'x', 'y', NULL)::customers).name
