-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A system column (ctid) of a filtered table: the fence has none, and the raw table's would bypass it.
SELECT ctid, id FROM orders ORDER BY id LIMIT 3
