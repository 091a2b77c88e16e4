//! The writer task: records from every call go through one bounded queue to one task that
//! appends them in batches (group commit: all records waiting when a transaction starts go into
//! it). In `sync` mode each caller waits for the commit of its record; in `async` mode it waits
//! only for room in the queue, so nothing is dropped while the store works.
//!
//! With a SQLite store the writer is a thread of its own with its own connection
//! ([`FileAppender`]), woken through its [`Bell`]; with PostgreSQL, a task on the runtime keeping
//! one pooled connection.
//!
//! A batch that cannot be written is retried once; then its callers get
//! [`AuditError::Unavailable`] (sync) or the records are counted as lost and logged (async, or
//! `fail_open`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::bell::{Bell, RING_AFTER, RING_AT};
use super::{AuditConfig, AuditRecord, Chain, Durability};
use crate::store::{AuditConn, FileAppender, Store, StoreError};

/// Records per transaction at most.
const MAX_BATCH: usize = 512;

/// How long a failed append waits before its one retry.
const RETRY_AFTER: Duration = Duration::from_millis(100);

/// How long the SQLite writer sleeps before it looks at the queue without a ring: the longest an
/// `async` record waits on a runtime that stays busy with fewer than [`RING_AT`] queued, and how
/// soon the writer notices that every sender is gone.
const IDLE_LOOK: Duration = Duration::from_millis(250);

/// The record could not be made durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("the audit trail cannot be written")]
    Unavailable,
}

enum Job {
    Record(
        Box<AuditRecord>,
        Option<oneshot::Sender<Result<(), AuditError>>>,
    ),
    /// Answered when every job before it is written.
    Flush(oneshot::Sender<()>),
}

/// The handle every request path records through. Cheap to clone.
#[derive(Clone)]
pub struct Auditor {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    tx: mpsc::Sender<Job>,
    config: AuditConfig,
    lost: AtomicU64,
    text: super::budget::TextBudget,
    /// The SQLite writer thread's doorbell (`None`: the PostgreSQL writer, a task woken by the
    /// queue itself).
    bell: Option<Arc<Bell>>,
}

impl Inner {
    /// A job is in the queue; `urgent`: wake the writer now, whatever the runtime is doing.
    fn queued(&self, urgent: bool) {
        if let Some(bell) = &self.bell {
            let backlog = self.tx.max_capacity() - self.tx.capacity();
            bell.queued(urgent || backlog >= RING_AT.min(self.tx.max_capacity() / 2 + 1));
        }
    }
}

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Some(i) => write!(f, "Auditor({:?})", i.config.durability),
            None => f.write_str("Auditor(log only)"),
        }
    }
}

impl Auditor {
    /// Start the writer over `store`: a thread with its own connection for a SQLite store, a
    /// task on the runtime for PostgreSQL (with `durability = "log"`, only the log is written).
    pub fn start(store: Store, chain: Chain, config: AuditConfig) -> Auditor {
        if config.durability == Durability::Log {
            return Auditor::log_only();
        }
        let (tx, rx) = mpsc::channel(config.queue.max(1));
        let appender = store.file_appender();
        let bell = appender.is_some().then(Bell::register);
        let inner = Arc::new(Inner {
            tx,
            config,
            lost: AtomicU64::new(0),
            text: super::budget::TextBudget::default(),
            bell: bell.clone(),
        });
        let weak = Arc::downgrade(&inner);
        match appender.zip(bell) {
            Some((mut appender, bell)) => {
                if let Err(e) = appender.start_checkpoints() {
                    // The appender's connection then checkpoints, as SQLite does by default.
                    tracing::error!(error = %e, "cannot start the audit store's checkpoint thread");
                }
                let spawned = std::thread::Builder::new()
                    .name("sqlwarden-audit".into())
                    .spawn(move || write_thread(appender, chain, rx, weak, &bell));
                if let Err(e) = spawned {
                    // Without its writer no record can be kept: the queue is closed, and
                    // every call fails closed (or counts its record as lost with fail_open).
                    tracing::error!(error = %e, "cannot start the audit writer thread");
                }
            }
            None => {
                tokio::spawn(write_loop(store, chain, rx, weak));
            }
        }
        Auditor { inner: Some(inner) }
    }

    /// Records go to the structured log only (benchmarks and embedding; never the server).
    pub fn log_only() -> Auditor {
        Auditor { inner: None }
    }

    /// Whether parameter values may be recorded.
    pub fn log_params(&self) -> bool {
        self.inner.as_ref().is_some_and(|i| i.config.log_params)
    }

    /// Records lost to store failures since start (async mode, or sync with `fail_open`).
    pub fn lost(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |i| i.lost.load(Ordering::Relaxed))
    }

    /// Records waiting for the writer now, for metrics.
    pub fn queue_depth(&self) -> usize {
        self.inner
            .as_ref()
            .map_or(0, |i| i.tx.max_capacity() - i.tx.capacity())
    }

    /// Record one request. `sync`: returns once the record is committed. `async`: once it is
    /// queued. `Err` only when the record is lost and the caller must fail closed.
    pub async fn record(&self, mut record: AuditRecord) -> Result<(), AuditError> {
        record.bound();
        if let Some(inner) = &self.inner {
            inner.text.charge(&mut record);
        }
        record.log();
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let fail = |inner: &Inner| {
            inner.lost.fetch_add(1, Ordering::Relaxed);
            tracing::error!(
                lost = inner.lost.load(Ordering::Relaxed),
                "audit record lost"
            );
            if inner.config.fail_open {
                Ok(())
            } else {
                Err(AuditError::Unavailable)
            }
        };
        match inner.config.durability {
            Durability::Async => match inner.tx.send(Job::Record(Box::new(record), None)).await {
                Ok(()) => {
                    inner.queued(false);
                    Ok(())
                }
                Err(_) => fail(inner),
            },
            Durability::Log => Ok(()),
            Durability::Sync => {
                let (ack, done) = oneshot::channel();
                if inner
                    .tx
                    .send(Job::Record(Box::new(record), Some(ack)))
                    .await
                    .is_err()
                {
                    return fail(inner);
                }
                inner.queued(false);
                let mut done = done;
                let answer = if inner.bell.is_some() && Bell::deferred() {
                    // The runtime's idle hook rings for this record; should the runtime stay
                    // busy, ring it here.
                    match tokio::time::timeout(RING_AFTER, &mut done).await {
                        Ok(answer) => answer,
                        Err(_) => {
                            inner.queued(true);
                            done.await
                        }
                    }
                } else {
                    done.await
                };
                match answer {
                    Ok(Ok(())) => Ok(()),
                    // The writer counted and logged it already.
                    Ok(Err(e)) if !inner.config.fail_open => Err(e),
                    Ok(Err(_)) => Ok(()),
                    Err(_) => fail(inner),
                }
            }
        }
    }

    /// Record without waiting (a request dropped mid-way: no one is left to wait).
    pub fn record_detached(&self, mut record: AuditRecord) {
        record.bound();
        if let Some(inner) = &self.inner {
            inner.text.charge(&mut record);
        }
        record.log();
        let Some(inner) = &self.inner else {
            return;
        };
        match inner.tx.try_send(Job::Record(Box::new(record), None)) {
            Ok(()) => inner.queued(false),
            Err(mpsc::error::TrySendError::Full(job)) => {
                let inner = Arc::clone(inner);
                if let Ok(rt) = tokio::runtime::Handle::try_current() {
                    rt.spawn(async move {
                        if inner.tx.send(job).await.is_ok() {
                            inner.queued(false);
                        }
                    });
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                inner.lost.fetch_add(1, Ordering::Relaxed);
                tracing::error!("audit record lost: the writer has stopped");
            }
        }
    }

    /// Wait until every record recorded before this call is written (shutdown).
    pub async fn flush(&self) {
        let Some(inner) = &self.inner else {
            return;
        };
        let (tx, rx) = oneshot::channel();
        if inner.tx.send(Job::Flush(tx)).await.is_ok() {
            inner.queued(true);
            let _ = rx.await;
        }
    }
}

/// One batch: the records and acks of the jobs taken together, and the flushes among them.
struct Batch {
    records: Vec<AuditRecord>,
    acks: Vec<Option<oneshot::Sender<Result<(), AuditError>>>>,
    flushes: Vec<oneshot::Sender<()>>,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            records: Vec::with_capacity(MAX_BATCH),
            acks: Vec::with_capacity(MAX_BATCH),
            flushes: Vec::new(),
        }
    }

    /// `first` and every job already waiting, up to `MAX_BATCH` records.
    fn fill(&mut self, first: Job, rx: &mut mpsc::Receiver<Job>) {
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Record(r, ack) => {
                    self.records.push(*r);
                    self.acks.push(ack);
                }
                Job::Flush(done) => self.flushes.push(done),
            }
            if self.records.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
    }

    /// Each record (with its ack) as a batch of its own, for a batch that failed twice: one
    /// record the store refuses must not take the others down with it. Flushes stay here.
    fn isolate(&mut self) -> Vec<Batch> {
        self.records
            .drain(..)
            .zip(self.acks.drain(..))
            .map(|(record, ack)| Batch {
                records: vec![record],
                acks: vec![ack],
                flushes: Vec::new(),
            })
            .collect()
    }

    /// Answer everyone in the batch with how its append went, and empty it.
    fn settle(
        &mut self,
        result: Result<(), StoreError>,
        started: Instant,
        inner: &std::sync::Weak<Inner>,
    ) {
        let outcome = match result {
            Ok(()) => {
                if !self.records.is_empty() {
                    crate::telemetry::metrics::audit_committed(
                        self.records.len(),
                        started.elapsed(),
                    );
                }
                Ok(())
            }
            Err(e) => {
                let n = self.records.len() as u64;
                let total = inner
                    .upgrade()
                    .map_or(n, |i| i.lost.fetch_add(n, Ordering::Relaxed) + n);
                tracing::error!(error = ?e, records = n, lost_total = total, "audit records could not be written");
                Err(AuditError::Unavailable)
            }
        };
        for ack in self.acks.drain(..).flatten() {
            let _ = ack.send(outcome);
        }
        self.records.clear();
        for done in self.flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// The writer over a PostgreSQL store: a task on the runtime, one kept connection.
async fn write_loop(
    store: Store,
    chain: Chain,
    mut rx: mpsc::Receiver<Job>,
    inner: std::sync::Weak<Inner>,
) {
    let mut batch = Batch::new();
    // The head this task wrote last: the next append moves it without reading it first.
    let mut head = None;
    // The connection appends go through, kept between batches; closed after an error.
    let mut conn: Option<AuditConn> = None;
    while let Some(first) = rx.recv().await {
        // Let the calls that are about to record run first, so they share this commit.
        tokio::task::yield_now().await;
        batch.fill(first, &mut rx);
        let started = Instant::now();
        let mut result = Ok(());
        if !batch.records.is_empty() {
            let mut appended = store
                .audit_append_kept(&mut conn, &mut batch.records, &chain, head.as_ref())
                .await;
            if let Err(e) = &appended {
                tracing::warn!(error = ?e, records = batch.records.len(), "audit write failed; retrying once");
                tokio::time::sleep(RETRY_AFTER).await;
                appended = store
                    .audit_append_kept(&mut conn, &mut batch.records, &chain, None)
                    .await;
            }
            match appended {
                Ok(h) => head = Some(h),
                Err(_) if batch.records.len() > 1 => {
                    tracing::warn!(
                        "audit write failed again; writing the batch's records one by one"
                    );
                    head = None;
                    for mut one in batch.isolate() {
                        let r = store
                            .audit_append_kept(&mut conn, &mut one.records, &chain, head.as_ref())
                            .await;
                        head = r.as_ref().ok().cloned();
                        one.settle(r.map(drop), started, &inner);
                    }
                }
                Err(e) => {
                    head = None;
                    result = Err(e);
                }
            }
        }
        batch.settle(result, started, &inner);
    }
}

/// The writer over a SQLite store: a thread of its own that blocks on the file, so a batch costs
/// no hand-offs between the runtime and a database thread. It sleeps until its bell rings
/// (see [`Bell`]), then commits everything queued.
fn write_thread(
    mut appender: FileAppender,
    chain: Chain,
    mut rx: mpsc::Receiver<Job>,
    inner: std::sync::Weak<Inner>,
    bell: &Bell,
) {
    bell.attach();
    let mut batch = Batch::new();
    loop {
        bell.answer();
        let first = match rx.try_recv() {
            Ok(job) => job,
            Err(mpsc::error::TryRecvError::Empty) => {
                std::thread::park_timeout(IDLE_LOOK);
                continue;
            }
            Err(mpsc::error::TryRecvError::Disconnected) => return,
        };
        batch.fill(first, &mut rx);
        let started = Instant::now();
        let mut result = Ok(());
        if !batch.records.is_empty() {
            let mut appended = appender.append(&mut batch.records, &chain);
            if let Err(e) = &appended {
                tracing::warn!(error = ?e, records = batch.records.len(), "audit write failed; retrying once");
                std::thread::sleep(RETRY_AFTER);
                appended = appender.append(&mut batch.records, &chain);
            }
            match appended {
                Ok(_) => {}
                Err(_) if batch.records.len() > 1 => {
                    tracing::warn!(
                        "audit write failed again; writing the batch's records one by one"
                    );
                    for mut one in batch.isolate() {
                        let r = appender.append(&mut one.records, &chain).map(drop);
                        one.settle(r, started, &inner);
                    }
                }
                Err(e) => result = Err(e),
            }
        }
        batch.settle(result, started, &inner);
    }
}
