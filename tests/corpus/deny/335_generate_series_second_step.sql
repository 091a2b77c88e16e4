-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: a one-second step over the data's range can make billions of rows (PostgreSQL materializes them all).
SELECT count(*) FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT max(ordered_at) FROM orders), '1 second')
