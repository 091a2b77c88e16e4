//! The fixed statements behind `audit`: append a batch to the chain in one transaction, read
//! the head and pages of records, select for `tail`/`export`, prune a prefix.
//!
//! The same SQL text runs on SQLite and PostgreSQL (`$N` placeholders, BIGINT times). Every
//! append and prune writes the head row first, which takes the write lock (SQLite) or the row
//! lock (PostgreSQL) before the head is read: replicas sharing a store append one at a time.

use sqlx::pool::PoolConnection;
use sqlx::{Connection, Postgres, Sqlite};

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

/// The INSERT a batch's VALUES lists are appended to.
pub(super) const INSERT_HEAD: &str = "INSERT INTO audit_log (seq, time_ms, request_id, transport, client, \
     principal, role, token_id, method, tool, database_name, sql_text, governed_sql, param_count, \
     params, decision, rule, code, sqlstate, http_status, rows_returned, bytes, truncated, cached, \
     duration_us, prev_hash, hash) ";

/// Records per INSERT: 27 parameters each stays well under SQLite's and PostgreSQL's limits.
const INSERT_CHUNK: usize = 128;

const LOCK_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1";
/// Lock and read the head in one statement (the append path: one round trip fewer).
const LOCK_READ_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1 \
     RETURNING seq, hash, pruned_seq, pruned_hash, mac";
pub(super) const READ_HEAD: &str =
    "SELECT seq, hash, pruned_seq, pruned_hash, mac FROM audit_head WHERE id = 1";
const WRITE_HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2, pruned_seq = $3, \
     pruned_hash = $4, mac = $5 WHERE id = 1";
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            AuditConn::Sqlite($c) => $body,
            AuditConn::Postgres($c) => $body,
        }
    };
}

macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

/// Chain `records` after `head`: assign their `seq`, `prev_hash` and `hash`, and return the
/// head that follows them (with its MAC).
pub(super) fn link(records: &mut [AuditRecord], chain: &Chain, head: &AuditHead) -> AuditHead {
    let (mut seq, mut prev) = (head.seq, head.hash.clone());
    for r in records.iter_mut() {
        seq += 1;
        r.seq = seq;
        r.prev_hash = prev;
        r.hash = chain.record_hash(r);
        prev = r.hash.clone();
    }
    let mac = chain.head_mac(seq, &prev, head.pruned_seq, &head.pruned_hash);
    AuditHead {
        seq,
        hash: prev,
        pruned_seq: head.pruned_seq,
        pruned_hash: head.pruned_hash.clone(),
        mac,
    }
}

/// A connection the audit writer keeps between batches: no pool hand-off per batch, and a
/// SQLite connection's page cache stays warm.
pub enum AuditConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl AuditConn {
    /// Close after a failed append: a SQLite transaction begun inside the statement text may
    /// still be open, and the pool must not hand that connection out again.
    async fn close(self) {
        let _ = match self {
            AuditConn::Sqlite(c) => c.close().await,
            AuditConn::Postgres(c) => c.close().await,
        };
    }
}

/// Bind one VALUES list per record, in `COLUMNS` order.
macro_rules! push_records {
    ($q:expr, $records:expr) => {
        $q.push_values($records, |mut b, r| {
            b.push_bind(r.seq)
                .push_bind(r.time_ms)
                .push_bind(&r.request_id)
                .push_bind(&r.transport)
                .push_bind(&r.client)
                .push_bind(&r.principal)
                .push_bind(&r.role)
                .push_bind(&r.token_id)
                .push_bind(&r.method)
                .push_bind(&r.tool)
                .push_bind(&r.database)
                .push_bind(&r.sql)
                .push_bind(&r.governed_sql)
                .push_bind(r.param_count)
                .push_bind(&r.params)
                .push_bind(&r.decision)
                .push_bind(&r.rule)
                .push_bind(&r.code)
                .push_bind(&r.sqlstate)
                .push_bind(r.http_status)
                .push_bind(r.rows)
                .push_bind(r.bytes)
                .push_bind(r.truncated)
                .push_bind(r.cached)
                .push_bind(r.duration_us)
                .push_bind(&r.prev_hash)
                .push_bind(&r.hash);
        })
    };
}

/// Move the head from the one the writer last wrote (`$known`), only if it is still that one
/// (no other replica appended and no prune ran since); the write takes the lock as `LOCK_HEAD`
/// does.
macro_rules! push_advance {
    ($q:expr, $next:expr, $known:expr) => {
        $q.push("UPDATE audit_head SET seq = ")
            .push_bind($next.seq)
            .push(", hash = ")
            .push_bind(&$next.hash)
            .push(", mac = ")
            .push_bind(&$next.mac)
            .push(" WHERE id = 1 AND seq = ")
            .push_bind($known.seq)
            .push(" AND hash = ")
            .push_bind(&$known.hash)
            .push(" AND pruned_seq = ")
            .push_bind($known.pruned_seq)
            .push(" AND pruned_hash = ")
            .push_bind(&$known.pruned_hash)
    };
}

/// Append `records` to the chain in one transaction, assigning their `seq`, `prev_hash` and
/// `hash`. Nothing is written unless all are. Returns the new head. After an error the caller
/// closes `conn` ([`AuditConn::close`]).
///
/// `known` is the head this process wrote last, if any. Then the batch takes one round trip:
/// a statement that moves the head from `known` and inserts the records only if it moved
/// (PostgreSQL: one statement with a data-modifying CTE; SQLite: `BEGIN IMMEDIATE`, the
/// conditional head move, the conditional INSERT and `COMMIT` in one text, run by one
/// hand-off to the connection's thread). When another writer moved the head (a replica, a
/// prune) nothing was written, and the batch is appended after locking and reading the head.
async fn audit_append_on(
    conn: &mut AuditConn,
    records: &mut [AuditRecord],
    chain: &Chain,
    known: Option<&AuditHead>,
) -> Result<AuditHead, StoreError> {
    if let Some(known) = known.filter(|_| records.len() <= INSERT_CHUNK) {
        let next = link(records, chain, known);
        let n = records.len() as u64;
        let moved = match conn {
            AuditConn::Sqlite(c) => {
                let mut q = sqlx::QueryBuilder::new("BEGIN IMMEDIATE; ");
                push_advance!(q, next, known);
                q.push("; ").push(INSERT_HEAD).push("SELECT * FROM (");
                push_records!(q, records.iter());
                q.push(") WHERE EXISTS (SELECT 1 FROM audit_head WHERE id = 1 AND seq = ")
                    .push_bind(next.seq)
                    .push(" AND hash = ")
                    .push_bind(&next.hash)
                    .push(") RETURNING seq; COMMIT");
                // Counted by RETURNING: a statement text's summed `changes()` also counts the
                // previous statement's for BEGIN and COMMIT.
                q.build().fetch_all(&mut **c).await?.len() as u64 == n
            }
            AuditConn::Postgres(c) => {
                let mut q = sqlx::QueryBuilder::new("WITH moved AS (");
                push_advance!(q, next, known);
                q.push(" RETURNING 1) ")
                    .push(INSERT_HEAD)
                    .push("SELECT * FROM (");
                push_records!(q, records.iter());
                q.push(") AS batch WHERE EXISTS (SELECT 1 FROM moved)");
                q.build().execute(&mut **c).await?.rows_affected() == n
            }
        };
        if moved {
            return Ok(next);
        }
    }
    let head = on_conn!(conn, c => {
        let mut tx = c.begin().await?;
        let current: AuditHead = sqlx::query_as(LOCK_READ_HEAD).fetch_one(&mut *tx).await?;
        let next = link(records, chain, &current);
        sqlx::query(WRITE_HEAD)
            .bind(next.seq)
            .bind(&next.hash)
            .bind(next.pruned_seq)
            .bind(&next.pruned_hash)
            .bind(&next.mac)
            .execute(&mut *tx)
            .await?;
        // Multi-row INSERTs: one statement per chunk instead of one per record.
        for chunk in records.chunks(INSERT_CHUNK) {
            let mut q = sqlx::QueryBuilder::new(INSERT_HEAD);
            push_records!(q, chunk.iter());
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        next
    });
    Ok(head)
}

impl Store {
    /// Append `records` on `conn`, the connection a writer keeps between batches (taken from
    /// the pool when it is `None`; see [`audit_append_on`]). A connection whose append failed is
    /// closed and left `None`, so the next append starts on a fresh one.
    pub async fn audit_append_kept(
        &self,
        conn: &mut Option<AuditConn>,
        records: &mut [AuditRecord],
        chain: &Chain,
        known: Option<&AuditHead>,
    ) -> Result<AuditHead, StoreError> {
        let mut c = match conn.take() {
            Some(c) => c,
            None => match &self.pool {
                Pool::Sqlite(p) => AuditConn::Sqlite(p.acquire().await?),
                Pool::Postgres(p) => AuditConn::Postgres(p.acquire().await?),
            },
        };
        match audit_append_on(&mut c, records, chain, known).await {
            Ok(head) => {
                *conn = Some(c);
                Ok(head)
            }
            Err(e) => {
                c.close().await;
                Err(e)
            }
        }
    }

    /// [`Store::audit_append_kept`] on a connection of the pool, returned to it afterwards.
    pub async fn audit_append(
        &self,
        records: &mut [AuditRecord],
        chain: &Chain,
        known: Option<&AuditHead>,
    ) -> Result<AuditHead, StoreError> {
        self.audit_append_kept(&mut None, records, chain, known)
            .await
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
