-- dialect: postgres
-- expect: deny statement_kind
-- why: SHOW leaks server configuration such as the data directory path.
SHOW data_directory
