-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: a set-returning call in the select list is bounded like one in FROM.
SELECT generate_series(1, 1000000000) FROM orders LIMIT 1
