//! The SQLite store's audit appender: a connection of its own, used from the audit writer's
//! thread with plain blocking calls. Through sqlx every statement is a hand-off to the
//! connection's worker thread and back; here a batch is one transaction on the thread that
//! collected it, with prepared statements kept between batches.
//!
//! Same file, same tables, same chain as [`super::Store::audit_append`]: the head row is read
//! under the write lock (`BEGIN IMMEDIATE`) in every batch, so another process appending or
//! pruning meanwhile is seen.
//!
//! The appender's connection never checkpoints the WAL: SQLite's automatic checkpoint runs in
//! the connection whose commit crossed the threshold and flushes both files to disk there, so
//! every few hundred batches one of them (and, in `sync` mode, every call waiting on it) waited
//! for two fsyncs: tens of milliseconds on a busy disk, a third of the writer's time under
//! load. A thread of its own checkpoints instead ([`FileAppender::start_checkpoints`]); a
//! checkpoint runs beside the appends (WAL mode lets a writer go on while the file is copied).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

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
    /// Batches committed, read by the checkpoint thread; it stops when this is its only holder.
    committed: Arc<AtomicU64>,
    /// Whether the checkpoint thread runs (else this connection checkpoints, as by default).
    checkpointed_elsewhere: bool,
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
            committed: Arc::new(AtomicU64::new(0)),
            checkpointed_elsewhere: false,
        }
    }

    /// Checkpoint the store's WAL from a thread of its own for as long as this appender lives
    /// (and once more after it is dropped, so the file is left checkpointed).
    /// Until this is called (or when it fails), the appender's own connection checkpoints.
    pub fn start_checkpoints(&mut self) -> std::io::Result<()> {
        let committed = Arc::clone(&self.committed);
        let path = self.path.clone();
        std::thread::Builder::new()
            .name("sqlwarden-audit-ckpt".into())
            .spawn(move || checkpoint_thread(&path, &committed))?;
        self.checkpointed_elsewhere = true;
        Ok(())
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
        if self.checkpointed_elsewhere {
            // Checkpoints are the checkpoint thread's (see the module's doc).
            conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        }
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
        self.committed.fetch_add(1, Ordering::Relaxed);
        Ok(head)
    }
}

/// Batches between checkpoints: a batch of a few records writes about three pages to the WAL,
/// so this is about SQLite's own threshold (1,000 pages).
const BATCHES_PER_CHECKPOINT: u64 = 300;

/// At most this long between a commit and the checkpoint that copies it into the file.
const CHECKPOINT_AT_LEAST_EVERY: Duration = Duration::from_secs(1);

/// How often the checkpoint thread looks at the count of batches.
const CHECKPOINT_POLL: Duration = Duration::from_millis(50);

fn checkpoint_thread(path: &std::path::Path, committed: &Arc<AtomicU64>) {
    let mut conn: Option<Connection> = None;
    let mut done = 0;
    let mut last = Instant::now();
    loop {
        std::thread::sleep(CHECKPOINT_POLL);
        let appender_gone = Arc::strong_count(committed) == 1;
        let now = committed.load(Ordering::Relaxed);
        let due = now - done >= BATCHES_PER_CHECKPOINT
            || (now > done && last.elapsed() >= CHECKPOINT_AT_LEAST_EVERY);
        if due || (appender_gone && now > done) {
            // PASSIVE: copies what no reader still needs and never waits for a lock, so the
            // appender is not held up; what it leaves is copied by the next one.
            match checkpoint(path, &mut conn) {
                Ok(()) => done = now,
                Err(e) => {
                    conn = None;
                    tracing::warn!(error = %e, "audit store checkpoint failed; retrying later");
                }
            }
            last = Instant::now();
        }
        if appender_gone {
            return;
        }
    }
}

fn checkpoint(path: &std::path::Path, conn: &mut Option<Connection>) -> rusqlite::Result<()> {
    let c = match conn {
        Some(c) => c,
        None => conn.insert(Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?),
    };
    c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Decision;

    /// Batches are copied into the store's file by the checkpoint thread, not by the
    /// appender's commits (whose automatic checkpoint, at 1,000 WAL pages, made the calls
    /// waiting on that commit wait for two fsyncs).
    #[tokio::test]
    async fn the_checkpoint_thread_copies_batches_into_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("store.db");
        let store = super::super::Store::open(&format!("sqlite://{}", path.display()))
            .await
            .expect("store");
        let mut appender = store.file_appender().expect("a SQLite store");
        appender.start_checkpoints().expect("checkpoint thread");
        let chain = Chain::new(None);
        const MARKER: &str = "checkpointed-request-7f3a";
        for i in 0..10 {
            let mut batch = [AuditRecord::new(
                &format!("{MARKER}-{i}"),
                "http",
                "tools/call",
                Decision::Allow,
            )];
            appender.append(&mut batch, &chain).expect("append");
        }
        // The appender itself never checkpoints.
        let auto: i64 = appender
            .conn
            .as_ref()
            .expect("connection")
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(auto, 0);
        // Within its period the records are in the database file itself, not only the WAL.
        let started = std::time::Instant::now();
        let in_file = loop {
            let bytes = std::fs::read(&path).expect("read the store file");
            let found = bytes
                .windows(MARKER.len() + 2)
                .any(|w| w == format!("{MARKER}-9").as_bytes());
            if found || started.elapsed() > Duration::from_secs(10) {
                break found;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(in_file, "not checkpointed after {:?}", started.elapsed());
        drop(appender);
    }
}
