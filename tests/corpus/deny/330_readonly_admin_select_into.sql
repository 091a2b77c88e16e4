-- role: readonly_admin
-- dialect: postgres
-- expect: deny select_into
-- why: SELECT INTO creates a table.
SELECT * INTO salaries_copy FROM employees
