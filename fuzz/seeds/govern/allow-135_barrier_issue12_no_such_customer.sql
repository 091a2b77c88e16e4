-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: the control of 134 (no customer 9999): the same count, so the two calls tell nothing apart.
SELECT count(*) FROM orders WHERE 1/(CASE WHEN customer_id = 9999 THEN 0 ELSE 1 END) = 1
