-- dialect: postgres
-- expect: deny statement_kind
-- why: CREATE ROLE with SUPERUSER attempts privilege escalation.
CREATE ROLE mallory SUPERUSER LOGIN PASSWORD 'secret'
