-- dialect: postgres
-- expect: allow
-- why: Tables qualified with the configured schema public are the same granted tables.
SELECT count(*) AS west_orders
FROM public.orders o
JOIN public.customers c ON c.id = o.customer_id
WHERE c.region = 'west'
