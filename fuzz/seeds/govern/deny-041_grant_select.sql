GRANT SELECT ON customers TO mallory
