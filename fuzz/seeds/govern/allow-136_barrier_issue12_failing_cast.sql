-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 12: a cast that fails quotes the row's values in its message; it may only ever quote a north order (the same error as the north-only copy).
SELECT count(*) FROM orders WHERE CAST(status || customer_id::text AS int) = 1
