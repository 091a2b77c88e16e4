SELECT $body$ ; DROP TABLE orders;
