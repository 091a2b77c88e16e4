-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: JOIN ... USING a hidden column's name, with the other side a VALUES-like derived table that has it.
SELECT count(*) FROM customers JOIN (SELECT 'x' AS email) v USING (email)
