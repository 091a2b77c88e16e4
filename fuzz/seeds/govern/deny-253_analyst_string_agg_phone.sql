-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: string_agg concatenates every hidden phone number into one value.
SELECT string_agg(phone, ',') AS phones
FROM customers
