-- dialect: postgres
-- expect: deny function_not_allowed
-- why: query_to_xml executes SQL passed as a string literal, bypassing the parser entirely.
SELECT query_to_xml('SELECT rolname, rolpassword FROM pg_authid', true, false, '')
