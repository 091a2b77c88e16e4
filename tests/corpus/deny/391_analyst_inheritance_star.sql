-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny parse_error
-- why: PostgreSQL's descendant-table star (orders*) is not read by the parser: refused, never passed through.
SELECT count(*) FROM orders*
