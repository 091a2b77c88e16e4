-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: json_build_array naming a hidden column next to a visible one.
SELECT json_build_array(c.id, c.email) AS r
FROM customers c
