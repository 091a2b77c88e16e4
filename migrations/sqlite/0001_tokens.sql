-- Bearer tokens for `sqlwarden token`. Only an argon2id PHC hash of each secret is stored.
-- Timestamps are unix seconds (the same type in SQLite and PostgreSQL).
CREATE TABLE tokens (
    id                   TEXT PRIMARY KEY NOT NULL,
    principal            TEXT NOT NULL,
    role                 TEXT NOT NULL,
    attrs                TEXT NOT NULL DEFAULT '{}',   -- JSON object of string values
    secret_hash          TEXT NOT NULL,
    previous_hash        TEXT NULL,                    -- the secret before the last rotation
    previous_valid_until BIGINT NULL,                  -- ... accepted until this time
    created_at           BIGINT NOT NULL,
    expires_at           BIGINT NULL,
    last_used_at         BIGINT NULL,
    revoked_at           BIGINT NULL
);
