-- dialect: any
-- expect: deny statement_kind
-- why: A lone COMMIT would end the server's read-only transaction wrapper.
COMMIT
