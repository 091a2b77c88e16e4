-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: Schema-qualified public.products.cost for support.
SELECT public.products.name, public.products.cost
FROM public.products
