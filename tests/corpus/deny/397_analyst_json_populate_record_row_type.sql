-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: json_populate_record with the table's row type would name its hidden columns.
SELECT (json_populate_record(NULL::customers, '{}')).email
