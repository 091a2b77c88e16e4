WITH sqlite_master AS (SELECT 'customers' AS name) SELECT name FROM sqlite_master
