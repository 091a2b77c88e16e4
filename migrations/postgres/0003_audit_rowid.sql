-- Nothing to change here: the SQLite store's 0003 makes `seq` its table's rowid, which
-- PostgreSQL has no counterpart of. This keeps both stores' schema versions in step.
SELECT 1;
