-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: A cast to the table's row type, NULL::customers, names every column of the raw table (hidden ones included).
SELECT (NULL::customers).email
