SELECT pg_catalog.pg_sleep(10)
