SELECT E'\''; DROP TABLE orders; --'
