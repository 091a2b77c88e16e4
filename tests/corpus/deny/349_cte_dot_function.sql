-- dialect: postgres
-- expect: deny unknown_column
-- why: a CTE whose columns are known has no column current_setting; a qualified name must be one of its columns.
WITH c AS (SELECT 'server_version' AS a) SELECT c.current_setting FROM c
