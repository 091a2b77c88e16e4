SELECT U&'\0027'; DROP TABLE orders; --'
