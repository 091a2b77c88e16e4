-- dialect: postgres
-- expect: deny function_not_allowed
-- why: lpad to a huge width allocates gigabytes.
SELECT lpad('x', 1000000000, 'y')
