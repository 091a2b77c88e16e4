-- role: analyst
-- attrs: region=north
-- dialect: sqlite
-- expect: deny parse_error
-- why: An index hint names an index of the raw table; refused with a hint to leave it out.
SELECT count(*) FROM customers INDEXED BY sqlite_autoindex_customers_1
