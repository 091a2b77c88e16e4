-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 12: an indexed leakproof predicate (customer 36 is east) moves inside the barrier; the failing cast stays outside and sees no row.
SELECT count(*) FROM orders WHERE customer_id = 36 AND CAST(status || customer_id::text AS int) = 1
