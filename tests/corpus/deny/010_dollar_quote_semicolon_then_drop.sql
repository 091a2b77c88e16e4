-- dialect: postgres
-- expect: deny multiple_statements
-- why: The dollar-quoted string $$;$$ hides one semicolon, but the one after it is real and starts a DROP TABLE.
SELECT $$;$$; DROP TABLE orders
