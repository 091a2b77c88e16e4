-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 12: a primary-key lookup of an east customer with a failing cast would quote the hidden name; the lookup moves inside the barrier and finds nothing.
SELECT name FROM customers WHERE id = 15 AND CAST(name AS int) = 1
