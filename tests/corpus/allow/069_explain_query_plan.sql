-- dialect: sqlite
-- expect: allow
-- why: SQLite EXPLAIN QUERY PLAN only plans the query.
EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = 42
