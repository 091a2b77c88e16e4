//! The writer task: records from every call go through one bounded queue to one task that
//! appends them in batches (group commit: all records waiting when a transaction starts go into
//! it). In `sync` mode each caller waits for the commit of its record; in `async` mode it waits
//! only for room in the queue, so nothing is dropped while the store works.
//!
//! A batch that cannot be written is retried once; then its callers get
//! [`AuditError::Unavailable`] (sync) or the records are counted as lost and logged (async, or
//! `fail_open`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::{AuditConfig, AuditRecord, Chain, Durability};
use crate::store::{AuditConn, Store};

/// Records per transaction at most.
const MAX_BATCH: usize = 512;

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
    /// Start the writer task over `store` (with `durability = "log"`, only the log is written).
    pub fn start(store: Store, chain: Chain, config: AuditConfig) -> Auditor {
        if config.durability == Durability::Log {
            return Auditor::log_only();
        }
        let (tx, rx) = mpsc::channel(config.queue.max(1));
        let inner = Arc::new(Inner {
            tx,
            config,
            lost: AtomicU64::new(0),
        });
        tokio::spawn(write_loop(store, chain, rx, Arc::downgrade(&inner)));
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
    pub async fn record(&self, record: AuditRecord) -> Result<(), AuditError> {
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
                Ok(()) => Ok(()),
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
                match done.await {
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
    pub fn record_detached(&self, record: AuditRecord) {
        record.log();
        let Some(inner) = &self.inner else {
            return;
        };
        match inner.tx.try_send(Job::Record(Box::new(record), None)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(job)) => {
                let tx = inner.tx.clone();
                if let Ok(rt) = tokio::runtime::Handle::try_current() {
                    rt.spawn(async move { tx.send(job).await });
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
            let _ = rx.await;
        }
    }
}

async fn write_loop(
    store: Store,
    chain: Chain,
    mut rx: mpsc::Receiver<Job>,
    inner: std::sync::Weak<Inner>,
) {
    let mut records = Vec::with_capacity(MAX_BATCH);
    let mut acks = Vec::with_capacity(MAX_BATCH);
    let mut flushes = Vec::new();
    // The head this task wrote last: the next append moves it without reading it first.
    let mut head = None;
    // The connection appends go through, kept between batches; closed after an error.
    let mut conn: Option<AuditConn> = None;
    while let Some(first) = rx.recv().await {
        // Let the calls that are about to record run first, so they share this commit.
        tokio::task::yield_now().await;
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Record(r, ack) => {
                    records.push(*r);
                    acks.push(ack);
                }
                Job::Flush(done) => flushes.push(done),
            }
            if records.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !records.is_empty() {
            let started = std::time::Instant::now();
            let mut result = store
                .audit_append_kept(&mut conn, &mut records, &chain, head.as_ref())
                .await;
            if let Err(e) = &result {
                tracing::warn!(error = ?e, records = records.len(), "audit write failed; retrying once");
                tokio::time::sleep(Duration::from_millis(100)).await;
                result = store
                    .audit_append_kept(&mut conn, &mut records, &chain, None)
                    .await;
            }
            let outcome = match result {
                Ok(written) => {
                    head = Some(written);
                    crate::telemetry::metrics::audit_committed(records.len(), started.elapsed());
                    Ok(())
                }
                Err(e) => {
                    head = None;
                    let n = records.len() as u64;
                    let total = inner
                        .upgrade()
                        .map_or(n, |i| i.lost.fetch_add(n, Ordering::Relaxed) + n);
                    tracing::error!(error = ?e, records = n, lost_total = total, "audit records could not be written");
                    Err(AuditError::Unavailable)
                }
            };
            for ack in acks.drain(..).flatten() {
                let _ = ack.send(outcome);
            }
            records.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}
