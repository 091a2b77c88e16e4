-- dialect: postgres
-- expect: deny statement_kind
-- why: SET ROLE tries to switch to a more privileged role.
SET ROLE postgres
