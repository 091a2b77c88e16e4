-- dialect: postgres
-- expect: deny statement_kind
-- why: SET TRANSACTION READ WRITE tries to lift the read-only transaction mode.
SET TRANSACTION READ WRITE
