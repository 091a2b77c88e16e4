-- dialect: postgres
-- expect: allow
-- why: issue 8: any bounds with a literal step pass governance; a one-second step over the first day of data (86,401 values) stays under the 100,001 the guard allows.
SELECT count(*) FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT min(ordered_at) FROM orders) + interval '1 day', '1 second')
