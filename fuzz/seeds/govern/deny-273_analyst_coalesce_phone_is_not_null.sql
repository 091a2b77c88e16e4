-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Even a null test through coalesce is a reference to the hidden column.
SELECT count(*)
FROM customers
WHERE coalesce(phone, '') <> ''
