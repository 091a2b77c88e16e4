SELECT pg_read_binary_file('global/pg_control')
