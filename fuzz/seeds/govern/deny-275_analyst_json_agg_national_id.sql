-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: jsonb_agg collecting the hidden national ids.
SELECT jsonb_agg(national_id) AS ids
FROM customers
