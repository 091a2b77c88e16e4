-- dialect: any
-- expect: allow
-- why: One statement with the trailing semicolon LLMs usually add.
SELECT count(*) FROM products;
