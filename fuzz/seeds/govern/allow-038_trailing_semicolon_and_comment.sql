SELECT count(*) FROM products; -- that's all
