SELECT $$; DROP TABLE orders; --$$ AS note, $q$it's $$ fine; $q$ AS other
