SELECT query_to_xml('SELECT rolname, rolpassword FROM pg_authid', true, false, '')
