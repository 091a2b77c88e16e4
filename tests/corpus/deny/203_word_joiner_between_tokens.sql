-- dialect: any
-- expect: deny invisible_unicode
-- why: A WORD JOINER (U+2060) between SELECT and count.
SELECT⁠count(*) FROM orders
