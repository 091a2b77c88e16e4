-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: U&'9\0065131071' is '9e131071' spelled with a Unicode escape: as a numeric it prints 131,072 digits, and 250 copies in a || chain are about 4 GB in one row. The bound reads the decoded literal.
WITH a AS (SELECT (U&'9\0065131071'::numeric)::text AS t) SELECT length(t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t||t) FROM a
