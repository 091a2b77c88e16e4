-- dialect: postgres
-- expect: deny statement_kind
-- why: GRANT changes privileges.
GRANT SELECT ON customers TO mallory
