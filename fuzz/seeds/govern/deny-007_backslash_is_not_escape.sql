SELECT '\'; DROP TABLE orders; --'
