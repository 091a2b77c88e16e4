-- The audit trail: one record per request, chained by hash. `hash` covers every other column of
-- the record plus `prev_hash`, the previous record's hash ("b3:" plain BLAKE3, "k3:" keyed with
-- SQLWARDEN_AUDIT_KEY). Times are unix milliseconds, durations microseconds.
CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY NOT NULL,
    time_ms       BIGINT NOT NULL,
    request_id    TEXT NOT NULL,
    transport     TEXT NOT NULL,       -- stdio | http
    client        TEXT NULL,           -- client address (HTTP)
    principal     TEXT NULL,
    role          TEXT NULL,
    token_id      TEXT NULL,           -- never the token
    method        TEXT NOT NULL,       -- tools/call | prompts/get | resources/read | http
    tool          TEXT NULL,           -- tool or prompt name, resource URI
    database_name TEXT NULL,
    sql_text      TEXT NULL,           -- as sent by the caller
    governed_sql  TEXT NULL,           -- what ran
    param_count   BIGINT NOT NULL,
    params        TEXT NULL,           -- JSON array, only with [audit] log_params = true
    decision      TEXT NOT NULL,       -- allow | deny | error
    rule          TEXT NULL,
    code          TEXT NULL,
    sqlstate      TEXT NULL,
    http_status   BIGINT NULL,
    rows_returned BIGINT NULL,
    bytes         BIGINT NULL,
    truncated     BOOLEAN NOT NULL,
    cached        BOOLEAN NOT NULL,
    duration_us   BIGINT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time_ms);

-- The chain's head (one row): the last record, and where pruning cut the chain. Every append
-- locks this row first, so writers (replicas sharing a store) append one batch at a time.
-- `mac` covers the other columns (empty until the first append).
CREATE TABLE audit_head (
    id          BIGINT PRIMARY KEY NOT NULL,
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    pruned_seq  BIGINT NOT NULL,
    pruned_hash TEXT NOT NULL,
    mac         TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, pruned_seq, pruned_hash, mac)
VALUES (1, 0, 'genesis', 0, 'genesis', '');
