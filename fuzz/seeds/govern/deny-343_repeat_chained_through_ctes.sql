-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: repeat chained through CTEs multiplies at each step (100 chars, then 10^4, 10^6, 10^8): its base must be a literal or a stored column.
WITH a AS (SELECT repeat('x', 100) AS s), b AS (SELECT repeat(s, 100) AS s FROM a), c AS (SELECT repeat(s, 100) AS s FROM b) SELECT length(repeat(s, 100)) FROM c
