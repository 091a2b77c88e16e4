-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: LLMs qualify columns with schema.table; a filtered table is a derived table, so the name is rewritten to table.column.
SELECT public.orders.status, count(*) AS n FROM public.orders GROUP BY public.orders.status ORDER BY 1
