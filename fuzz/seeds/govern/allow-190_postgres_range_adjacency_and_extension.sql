-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: range operators an analyst uses to stitch periods: adjacent to (-|-), does not extend right / left of (&<, &>).
SELECT o.id, daterange(o.ordered_at::date, o.ordered_at::date + 7) -|- daterange(o.ordered_at::date + 7, o.ordered_at::date + 14) AS adjacent,
       daterange(o.ordered_at::date, o.ordered_at::date + 7) &< daterange(DATE '2025-01-01', DATE '2026-01-01') AS not_after,
       int4range(o.id, o.id + 5) &> int4range(1, 3) AS not_before
FROM orders o ORDER BY o.id LIMIT 20
