-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Nested repeat builds a 10 GB string.
SELECT length(repeat(repeat('x', 100000), 100000))
