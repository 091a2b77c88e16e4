-- dialect: postgres
-- expect: deny statement_kind
-- why: SET SESSION AUTHORIZATION tries to impersonate another user.
SET SESSION AUTHORIZATION postgres
