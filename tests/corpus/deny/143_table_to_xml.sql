-- dialect: postgres
-- expect: deny function_not_allowed
-- why: table_to_xml reads a table named by a string.
SELECT table_to_xml('customers', true, false, '')
