-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: sqlite_version() fingerprints the engine.
SELECT sqlite_version()
