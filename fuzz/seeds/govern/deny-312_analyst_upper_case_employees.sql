-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: Unquoted EMPLOYEES folds to the ungranted employees table.
SELECT * FROM EMPLOYEES
