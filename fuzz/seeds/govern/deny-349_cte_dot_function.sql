WITH c AS (SELECT 'server_version' AS a) SELECT c.current_setting FROM c
