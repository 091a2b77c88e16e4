-- attrs: region=north
-- dialect: sqlite
-- expect: deny table_not_granted
-- why: Schema-qualifying the ungranted view in SQLite (main.monthly_sales).
SELECT count(*)
FROM main.monthly_sales
