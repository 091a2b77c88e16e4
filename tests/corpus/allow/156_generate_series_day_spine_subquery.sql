-- role: readonly_admin
-- dialect: postgres
-- expect: allow
-- why: issue 8: a weekly spine from scalar subqueries over a granted table, in FROM.
SELECT count(*) AS weeks FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT max(ordered_at) FROM orders), interval '1 week') AS w(week)
