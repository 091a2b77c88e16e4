-- attrs: region=north
-- dialect: postgres
-- expect: deny unknown_column
-- why: A one-column function result q has no column ts_stat, so PostgreSQL reads q.ts_stat as ts_stat(q): arbitrary SQL as the database login.
SELECT q.ts_stat::text FROM unnest(ARRAY['select array_to_tsvector(array[e.email]) from public.employees e']) q
