-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: age() of an xid counts the transactions since it: polled, the server's transaction counter shows other sessions' write activity (red-team finding).
SELECT age('3'::xid) AS since
