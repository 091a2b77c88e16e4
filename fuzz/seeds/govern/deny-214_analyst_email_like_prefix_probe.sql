-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: LIKE-probing a hidden column returns no hidden value but still leaks it one prefix at a time; a hidden column may not appear in WHERE.
SELECT id, name
FROM customers
WHERE email LIKE 'a%'
