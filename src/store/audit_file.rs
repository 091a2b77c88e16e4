//! The SQLite store's audit appender: a connection of its own, used from the audit writer's
//! thread with plain blocking calls. Through sqlx every statement is a hand-off to the
//! connection's worker thread and back; here a batch is one transaction on the thread that
//! collected it, with prepared statements kept between batches.
//!
//! Same file, same tables, same chain as [`super::Store::audit_append`]: the head row is read
//! under the write lock (`BEGIN IMMEDIATE`) in every batch, so another process appending or
//! pruning meanwhile is seen.

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

use super::StoreError;
use super::audit::{AuditHead, INSERT_HEAD, READ_HEAD, link};
use crate::audit::{AuditRecord, Chain};

/// Appends batches to a SQLite store's chain; opens its connection on first use and again
/// after a failed append.
pub struct FileAppender {
    path: PathBuf,
    full: bool,
    location: String,
    conn: Option<Connection>,
}

impl std::fmt::Debug for FileAppender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileAppender")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

const WRITE_HEAD: &str = "UPDATE audit_head SET seq = ?1, hash = ?2, pruned_seq = ?3, pruned_hash = ?4, mac = ?5 \
     WHERE id = 1";

impl FileAppender {
    pub(super) fn new(path: PathBuf, full: bool, location: String) -> FileAppender {
        FileAppender {
            path,
            full,
            location,
            conn: None,
        }
    }

    /// Where the store is, safe to print.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn open(&self) -> Result<Connection, StoreError> {
        // The store exists and is migrated (Store::open ran first): never create it here.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(
            None,
            "synchronous",
            if self.full { "FULL" } else { "NORMAL" },
        )?;
        Ok(conn)
    }

    /// Append `records` in one transaction, assigning their `seq`, `prev_hash` and `hash`.
    /// Nothing is written unless all are. Returns the new head. A failed append drops the
    /// connection (its transaction rolls back); the next append opens a fresh one.
    pub fn append(
        &mut self,
        records: &mut [AuditRecord],
        chain: &Chain,
    ) -> Result<AuditHead, StoreError> {
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => self.open()?,
        };
        let head = append_on(&mut conn, records, chain)?;
        self.conn = Some(conn);
        Ok(head)
    }
}

fn append_on(
    conn: &mut Connection,
    records: &mut [AuditRecord],
    chain: &Chain,
) -> Result<AuditHead, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = tx.prepare_cached(READ_HEAD)?.query_row([], |r| {
        Ok(AuditHead {
            seq: r.get(0)?,
            hash: r.get(1)?,
            pruned_seq: r.get(2)?,
            pruned_hash: r.get(3)?,
            mac: r.get(4)?,
        })
    })?;
    let next = link(records, chain, &current);
    {
        let mut insert = tx.prepare_cached(INSERT_ONE.get_or_init(insert_one))?;
        for r in records.iter() {
            insert.execute(params![
                r.seq,
                r.time_ms,
                r.request_id,
                r.transport,
                r.client,
                r.principal,
                r.role,
                r.token_id,
                r.method,
                r.tool,
                r.database,
                r.sql,
                r.governed_sql,
                r.param_count,
                r.params,
                r.decision,
                r.rule,
                r.code,
                r.sqlstate,
                r.http_status,
                r.rows,
                r.bytes,
                r.truncated,
                r.cached,
                r.duration_us,
                r.prev_hash,
                r.hash,
            ])?;
        }
        tx.prepare_cached(WRITE_HEAD)?.execute(params![
            next.seq,
            next.hash,
            next.pruned_seq,
            next.pruned_hash,
            next.mac
        ])?;
    }
    tx.commit()?;
    Ok(next)
}

static INSERT_ONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `INSERT INTO audit_log (...) VALUES (?1, ..., ?27)`, one record.
fn insert_one() -> String {
    let marks: Vec<String> = (1..=27).map(|i| format!("?{i}")).collect();
    format!("{INSERT_HEAD}VALUES ({})", marks.join(", "))
}
