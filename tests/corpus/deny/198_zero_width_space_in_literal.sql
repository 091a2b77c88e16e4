-- dialect: any
-- expect: deny invisible_unicode
-- why: A ZERO WIDTH SPACE (U+200B) between 'nor' and 'th' inside the region literal makes the query differ from what a reviewer sees.
SELECT id, name FROM customers WHERE region = 'nor​th'
