-- dialect: postgres
-- expect: deny column_hidden
-- why: U&"pg\005fsleep" is pg_sleep in PostgreSQL; sqlparser sees U & "pg\005fsleep"(10): U is no column (answered as a hidden one), and the function is not on the allowlist either.
SELECT U&"pg\005fsleep"(10)
