-- dialect: postgres
-- expect: deny function_not_allowed
-- why: a configuration named by the caller is looked up by name: "schema does not exist" against "configuration does not exist" told which schemas exist (red-team finding).
SELECT to_tsvector('hr_secret.nope', name) FROM customers
