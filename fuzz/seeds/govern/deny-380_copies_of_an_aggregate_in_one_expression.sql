-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: an aggregate's value may reach 1 GB within the timeout; a chain of it in one expression copies it again at every step, past any memory.
SELECT length(x || x || x || x || x || x || x || x || x || x || x || x || x || x || x || x || x || x || x || x) FROM (SELECT string_agg(status, ',') AS x FROM orders) q
