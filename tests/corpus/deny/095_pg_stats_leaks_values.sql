-- dialect: postgres
-- expect: deny table_not_granted
-- why: pg_stats exposes most common values of every column (for example national ids) without touching the table.
SELECT attname, most_common_vals FROM pg_stats WHERE tablename = 'customers'
