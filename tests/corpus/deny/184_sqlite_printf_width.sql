-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: printf with a huge precision allocates gigabytes.
SELECT printf('%.*c', 1000000000, 'x')
