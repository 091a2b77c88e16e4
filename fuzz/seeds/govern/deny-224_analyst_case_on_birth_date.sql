-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A CASE expression bucketing a hidden column leaks it through the bucket labels.
SELECT id,
       CASE WHEN birth_date < '1980-01-01' THEN 'older' ELSE 'younger' END AS age_band
FROM customers
