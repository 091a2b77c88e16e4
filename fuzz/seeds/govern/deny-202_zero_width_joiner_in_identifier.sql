SELECT pg_‍sleep(5)
