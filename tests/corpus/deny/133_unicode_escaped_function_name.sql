-- dialect: postgres
-- expect: deny function_not_allowed
-- why: U&"pg\005fsleep" is pg_sleep in PostgreSQL; sqlparser sees U & "pg\005fsleep"(10), whose function is not on the allowlist either.
SELECT U&"pg\005fsleep"(10)
