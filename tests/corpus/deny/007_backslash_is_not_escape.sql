-- dialect: any
-- expect: deny multiple_statements
-- why: In standard SQL (PostgreSQL with standard_conforming_strings and SQLite) '\' is a complete string, so the DROP after it is a real second statement even though a backslash-escaping filter sees one long literal.
SELECT '\'; DROP TABLE orders; --'
