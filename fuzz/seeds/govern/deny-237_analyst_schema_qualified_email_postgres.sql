-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A schema-and-table-qualified hidden column (public.customers.email).
SELECT public.customers.email
FROM public.customers
