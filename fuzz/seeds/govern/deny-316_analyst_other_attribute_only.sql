-- attrs: city=Chicago
-- dialect: any
-- expect: deny attribute_missing
-- why: The principal carries an attribute, but not the region the row filter needs.
SELECT count(*) AS lines
FROM order_lines
