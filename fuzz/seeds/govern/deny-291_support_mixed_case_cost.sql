-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Unquoted mixed-case Cost and Products fold to the hidden products.cost.
SELECT Name, Cost
FROM Products
