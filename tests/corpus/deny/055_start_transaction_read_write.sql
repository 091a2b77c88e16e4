-- dialect: postgres
-- expect: deny statement_kind
-- why: START TRANSACTION READ WRITE tries to open a writable transaction.
START TRANSACTION READ WRITE
