-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a date relative to now against the timestamp column is cast as the comparison casts it and moves inside the fence with the ORDER BY and FETCH FIRST; the answer is the filtered copy's.
SELECT o.id, o.status, o.ordered_at
FROM orders o
WHERE o.ordered_at < current_date - 600
ORDER BY o.ordered_at DESC, o.id
FETCH FIRST 5 ROWS ONLY
