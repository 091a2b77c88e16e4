-- attrs: region=north
-- dialect: postgres
-- expect: deny table_not_granted
-- why: Schema-qualifying the ungranted table (public.employees) does not grant it.
SELECT count(*)
FROM public.employees
