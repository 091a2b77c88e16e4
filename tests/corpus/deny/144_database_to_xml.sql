-- dialect: postgres
-- expect: deny function_not_allowed
-- why: database_to_xml dumps the whole database.
SELECT database_to_xml(true, false, '')
