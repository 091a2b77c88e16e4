-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a month spine from the data's own range: computed bounds that read the same twice keep their run-time guard.
SELECT d::date AS day FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT min(ordered_at) FROM orders) + interval '20 days', interval '1 day') AS d ORDER BY 1
