-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: JOIN ... USING (email) compares the hidden column even though it never reaches the select list.
SELECT count(*) AS pairs
FROM customers a
JOIN customers b USING (email)
