-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: PostgreSQL parse analysis copies BETWEEN's left side twice; 21 nested levels made 2 million copies and 2.8 GB of parse tree, past the statement timeout.
SELECT count(*) FROM orders WHERE (((((((((((((((((((((id BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int BETWEEN 0 AND 1)::int = 1
