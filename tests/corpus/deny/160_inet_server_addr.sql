-- dialect: postgres
-- expect: deny function_not_allowed
-- why: inet_server_addr leaks the server address.
SELECT inet_server_addr()
