-- dialect: postgres
-- expect: deny function_not_allowed
-- why: lo_get reads large objects.
SELECT lo_get(16385)
