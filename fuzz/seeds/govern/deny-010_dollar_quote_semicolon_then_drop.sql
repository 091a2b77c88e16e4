SELECT $$;$$; DROP TABLE orders
