-- dialect: postgres
-- expect: deny invisible_unicode
-- why: A ZERO WIDTH JOINER (U+200D) after 'pg_' makes the function name look like pg_sleep while being a different identifier.
SELECT pg_‍sleep(5)
