//! The fixed statements behind `audit`: append a batch to the chain in one transaction, read
//! the head and pages of records, select for `tail`/`export`, prune a prefix.
//!
//! The same SQL text runs on SQLite and PostgreSQL (`$N` placeholders, BIGINT times). Every
//! append and prune writes the head row first, which takes the write lock (SQLite) or the row
//! lock (PostgreSQL) before the head is read: replicas sharing a store append one at a time.

use super::{Pool, Store, StoreError};
use crate::audit::{AuditRecord, Chain};

/// The chain's head row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    pub pruned_seq: i64,
    pub pruned_hash: String,
    pub mac: String,
}

/// Which records `tail` and `export` want.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub principal: Option<String>,
    pub decision: Option<String>,
    /// Only records after this sequence number.
    pub after_seq: Option<i64>,
}

const COLUMNS: &str = "seq, time_ms, request_id, transport, client, principal, role, token_id, \
     method, tool, database_name, sql_text, governed_sql, param_count, params, decision, rule, \
     code, sqlstate, http_status, rows_returned, bytes, truncated, cached, duration_us, \
     prev_hash, hash";

const INSERT: &str = "INSERT INTO audit_log (seq, time_ms, request_id, transport, client, \
     principal, role, token_id, method, tool, database_name, sql_text, governed_sql, param_count, \
     params, decision, rule, code, sqlstate, http_status, rows_returned, bytes, truncated, cached, \
     duration_us, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
     $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)";

const LOCK_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1";
const READ_HEAD: &str =
    "SELECT seq, hash, pruned_seq, pruned_hash, mac FROM audit_head WHERE id = 1";
const WRITE_HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2, pruned_seq = $3, \
     pruned_hash = $4, mac = $5 WHERE id = 1";

macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

/// Bind a record's columns in `COLUMNS` order.
macro_rules! bind_record {
    ($q:expr, $r:expr) => {
        $q.bind($r.seq)
            .bind($r.time_ms)
            .bind(&$r.request_id)
            .bind(&$r.transport)
            .bind(&$r.client)
            .bind(&$r.principal)
            .bind(&$r.role)
            .bind(&$r.token_id)
            .bind(&$r.method)
            .bind(&$r.tool)
            .bind(&$r.database)
            .bind(&$r.sql)
            .bind(&$r.governed_sql)
            .bind($r.param_count)
            .bind(&$r.params)
            .bind(&$r.decision)
            .bind(&$r.rule)
            .bind(&$r.code)
            .bind(&$r.sqlstate)
            .bind($r.http_status)
            .bind($r.rows)
            .bind($r.bytes)
            .bind($r.truncated)
            .bind($r.cached)
            .bind($r.duration_us)
            .bind(&$r.prev_hash)
            .bind(&$r.hash)
    };
}

impl Store {
    /// Append `records` to the chain in one transaction, assigning their `seq`, `prev_hash`
    /// and `hash`. Nothing is written unless all are.
    pub async fn audit_append(
        &self,
        records: &mut [AuditRecord],
        chain: &Chain,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query(LOCK_HEAD).execute(&mut *tx).await?;
            let head: AuditHead = sqlx::query_as(READ_HEAD).fetch_one(&mut *tx).await?;
            let (mut seq, mut prev) = (head.seq, head.hash.clone());
            for r in records.iter_mut() {
                seq += 1;
                r.seq = seq;
                r.prev_hash = prev;
                r.hash = chain.record_hash(r);
                prev = r.hash.clone();
                bind_record!(sqlx::query(INSERT), r).execute(&mut *tx).await?;
            }
            let mac = chain.head_mac(seq, &prev, head.pruned_seq, &head.pruned_hash);
            sqlx::query(WRITE_HEAD)
                .bind(seq)
                .bind(&prev)
                .bind(head.pruned_seq)
                .bind(&head.pruned_hash)
                .bind(&mac)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        Ok(on_pool!(&self.pool, p => sqlx::query_as(READ_HEAD).fetch_one(p).await?))
    }

    /// Up to `limit` records after `after_seq`, in order.
    pub async fn audit_page(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ));
        Ok(on_pool!(&self.pool, p => {
            sqlx::query_as(sql).bind(after_seq).bind(limit).fetch_all(p).await?
        }))
    }

    /// Records matching `filter`: the first `limit` in order, or with `newest`, the last
    /// `limit` (still returned in order).
    pub async fn audit_select(
        &self,
        filter: &AuditFilter,
        limit: i64,
        newest: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let order = if newest { "DESC" } else { "ASC" };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log \
             WHERE (CAST($1 AS BIGINT) IS NULL OR time_ms >= $1) \
               AND (CAST($2 AS BIGINT) IS NULL OR time_ms < $2) \
               AND (CAST($3 AS TEXT) IS NULL OR principal = $3) \
               AND (CAST($4 AS TEXT) IS NULL OR decision = $4) \
               AND (CAST($5 AS BIGINT) IS NULL OR seq > $5) \
             ORDER BY seq {order} LIMIT $6"
        ));
        let mut rows: Vec<AuditRecord> = on_pool!(&self.pool, p => {
            sqlx::query_as(sql)
                .bind(filter.since_ms)
                .bind(filter.until_ms)
                .bind(&filter.principal)
                .bind(&filter.decision)
                .bind(filter.after_seq)
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        if newest {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Delete the records older than `before_ms` (a prefix of the chain), recording where the
    /// chain now starts so the rest still verifies. Returns how many were deleted.
    pub async fn audit_prune(&self, before_ms: i64, chain: &Chain) -> Result<u64, StoreError> {
        const LAST_BEFORE: &str = "SELECT seq, hash FROM audit_log WHERE seq = \
             (SELECT MAX(seq) FROM audit_log WHERE time_ms < $1)";
        const DELETE: &str = "DELETE FROM audit_log WHERE seq <= $1";
        let deleted = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query(LOCK_HEAD).execute(&mut *tx).await?;
            let head: AuditHead = sqlx::query_as(READ_HEAD).fetch_one(&mut *tx).await?;
            let cut: Option<(i64, String)> =
                sqlx::query_as(LAST_BEFORE).bind(before_ms).fetch_optional(&mut *tx).await?;
            let Some((cut_seq, cut_hash)) = cut else {
                return Ok(0);
            };
            let n = sqlx::query(DELETE).bind(cut_seq).execute(&mut *tx).await?.rows_affected();
            let mac = chain.head_mac(head.seq, &head.hash, cut_seq, &cut_hash);
            sqlx::query(WRITE_HEAD)
                .bind(head.seq)
                .bind(&head.hash)
                .bind(cut_seq)
                .bind(&cut_hash)
                .bind(&mac)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            n
        });
        Ok(deleted)
    }
}
