-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: a primary-key lookup of an other-region order answers no row.
SELECT * FROM orders WHERE id = 3
