-- dialect: postgres
-- expect: deny statement_kind
-- why: DISCARD ALL resets session state set up by the server (for example the read-only setting).
DISCARD ALL
