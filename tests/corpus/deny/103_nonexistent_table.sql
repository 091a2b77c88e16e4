-- dialect: any
-- expect: deny table_not_granted
-- why: A table that does not exist in the demo schema.
SELECT * FROM users
