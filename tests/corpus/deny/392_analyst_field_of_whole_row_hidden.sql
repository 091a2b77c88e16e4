-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: Field selection from a whole row, (c).email, reaching a hidden column by the row's type.
SELECT (c).email FROM customers c LIMIT 3
