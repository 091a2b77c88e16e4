-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: An unknown (application-registered or extension) function is not on the allowlist.
SELECT my_udf(name) FROM customers
