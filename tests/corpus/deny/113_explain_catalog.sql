-- dialect: postgres
-- expect: deny table_not_granted
-- why: EXPLAIN of a catalog query leaks existence and size estimates; the explained query is checked like any other.
EXPLAIN SELECT * FROM pg_shadow
