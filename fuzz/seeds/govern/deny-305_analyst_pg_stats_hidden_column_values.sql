-- attrs: region=north
-- dialect: postgres
-- expect: deny table_not_granted
-- why: pg_stats.most_common_vals holds sample values of the hidden columns themselves.
SELECT attname, most_common_vals
FROM pg_stats
WHERE tablename = 'customers' AND attname = 'national_id'
