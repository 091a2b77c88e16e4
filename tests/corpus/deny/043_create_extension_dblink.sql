-- dialect: postgres
-- expect: deny statement_kind
-- why: CREATE EXTENSION loads server code (dblink gives outbound connections).
CREATE EXTENSION dblink
