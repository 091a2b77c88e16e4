-- dialect: postgres
-- expect: allow
-- why: issue 8: any bounds with a literal step pass; the rewrite makes none when they would make more than 100,001 (one-second step over years of data).
SELECT count(*) FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT max(ordered_at) FROM orders), '1 second')
