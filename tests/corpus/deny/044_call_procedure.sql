-- dialect: postgres
-- expect: deny statement_kind
-- why: CALL executes a stored procedure whose body is not analysed.
CALL refresh_stats()
