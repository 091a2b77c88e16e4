-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: the parser binds ~ as it binds =, PostgreSQL as any other operator: this text is `name ~ ('A' || sku)` to governance and `(name ~ 'A') || sku` to the database; a statement read as two different trees is refused (red-team finding).
SELECT name FROM products WHERE name ~ 'A' || sku = 'trueX'
