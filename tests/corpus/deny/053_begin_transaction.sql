-- dialect: any
-- expect: deny statement_kind
-- why: Transaction control (BEGIN) is managed by the server, never by the caller.
BEGIN
