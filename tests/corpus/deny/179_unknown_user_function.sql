-- dialect: postgres
-- expect: deny function_not_allowed
-- why: A user-defined function in public is not on the allowlist (its body could do anything).
SELECT public.exfiltrate(email) FROM customers
