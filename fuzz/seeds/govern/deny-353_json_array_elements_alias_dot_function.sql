-- attrs: region=north
-- dialect: postgres
-- expect: deny unknown_column
-- why: json_array_elements_text names its column value whatever the alias, so ts_stat.ts_stat is the call ts_stat(value): SQL given as text.
SELECT CAST(ts_stat.ts_stat AS text) AS leaked FROM json_array_elements_text($j$["select to_tsvector('simple', national_id) from customers"]$j$) AS ts_stat
