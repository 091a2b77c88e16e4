WITH s AS (SELECT set_config('statement_timeout', '0', false) AS v) SELECT * FROM s
