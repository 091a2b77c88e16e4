-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: o.lo_create is lo_create(o) to PostgreSQL when orders has no such column: a write (a large object) even in a read-only transaction.
SELECT o.lo_create FROM orders o
