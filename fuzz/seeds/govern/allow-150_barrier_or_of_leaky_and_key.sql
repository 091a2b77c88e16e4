-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: an OR that mixes a key comparison with a failing expression is not leakproof and stays above the barrier.
SELECT count(*) FROM orders WHERE id = 3 OR 1/(CASE WHEN id = 3 THEN 0 ELSE 1 END) = 0
