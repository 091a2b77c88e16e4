-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: regexp_matches in the select list and in FROM, range constructors: pure, bounded by their input.
SELECT o.id, (regexp_matches(o.status, '^(.)(.)'))[1] AS first_letter, daterange(o.ordered_at::date, o.ordered_at::date + 7) @> DATE '2025-01-03' AS in_week, m.part
FROM orders o CROSS JOIN LATERAL regexp_matches(o.status, '(e)', 'g') AS m(part)
ORDER BY o.id, m.part LIMIT 20
