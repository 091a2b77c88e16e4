-- attrs: region=north
-- dialect: postgres
-- expect: deny unknown_column
-- why: status is a column, not a FROM item: status.pg_terminate_backend would be field selection, a function call.
SELECT id FROM orders WHERE status.pg_terminate_backend
