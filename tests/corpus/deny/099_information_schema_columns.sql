-- dialect: postgres
-- expect: deny table_not_granted
-- why: information_schema is catalog access.
SELECT table_name, column_name FROM information_schema.columns
