-- dialect: postgres
-- expect: deny function_not_allowed
-- why: set_config inside a CTE body.
WITH s AS (SELECT set_config('statement_timeout', '0', false) AS v) SELECT * FROM s
