SELECT c.name, r.rolname FROM customers c JOIN pg_roles r ON r.oid = c.id
