SELECT count(*) AS west_orders
FROM public.orders o
JOIN public.customers c ON c.id = o.customer_id
WHERE c.region = 'west'
