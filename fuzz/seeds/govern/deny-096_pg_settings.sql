SELECT name, setting FROM pg_settings
