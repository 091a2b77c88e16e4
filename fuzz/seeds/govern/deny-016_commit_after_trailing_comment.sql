SELECT count(*) FROM orders;
/* done */
COMMIT
