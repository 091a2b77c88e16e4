//! When the SQLite store's writer thread wakes: the doorbell callers ring.
//!
//! Waking the writer for the first record of every batch committed the two or so records that
//! had arrived by then, and each commit's wake-ups cost more CPU than SQLite's own work (waking a
//! thread on an idle core of a virtual machine is expensive). Where the runtime reports its
//! workers parking ([`runtime_idle`], [`runtime_busy`]: the server's runtime, see `main.rs`), a
//! record does not wake the writer; the writer is woken when every worker has run out of work:
//! the calls that were about to record have done so, and a core is free for the commit. Four
//! things bound the wait on a runtime that stays busy: a queue of [`RING_AT`] records rings, a
//! `sync` caller that has waited [`RING_AFTER`] rings, a flush rings, and the writer looks at its
//! queue every `IDLE_LOOK` unrung. Without the hooks (tests, embedding) every record rings, as
//! before.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock, Weak};
use std::time::Duration;

/// Whether this process's runtime calls [`runtime_idle`] before its workers park.
static IDLE_HOOK: AtomicBool = AtomicBool::new(false);

/// The runtime's workers, and how many of them are parked now.
static WORKERS: AtomicUsize = AtomicUsize::new(0);
static PARKED: AtomicUsize = AtomicUsize::new(0);

/// Every live writer's bell, for [`runtime_idle`].
static BELLS: RwLock<Vec<Weak<Bell>>> = RwLock::new(Vec::new());

/// Records queued that ring the bell at once, as the runtime may stay busy for a while.
pub(super) const RING_AT: usize = 64;

/// How long a `sync` caller waits for its commit before it rings the bell itself.
pub(super) const RING_AFTER: Duration = Duration::from_millis(2);

/// Declare that the runtime about to be built, with `workers` worker threads, calls
/// [`runtime_idle`] from its `on_thread_park` hook and [`runtime_busy`] from its
/// `on_thread_unpark` hook. Records then wake the audit writer when the runtime runs out of work
/// instead of one by one. Call it before any [`super::Auditor`] starts.
pub fn commit_when_idle(workers: usize) {
    WORKERS.store(workers.max(1), Ordering::SeqCst);
    IDLE_HOOK.store(true, Ordering::SeqCst);
}

/// For the runtime's `on_thread_unpark` hook.
pub fn runtime_busy() {
    PARKED.fetch_sub(1, Ordering::SeqCst);
}

/// For the runtime's `on_thread_park` hook: when every worker has nothing left to run, the
/// records queued meanwhile go into one commit now.
pub fn runtime_idle() {
    let parked = PARKED.fetch_add(1, Ordering::SeqCst) + 1;
    if parked < WORKERS.load(Ordering::SeqCst) {
        return;
    }
    let Ok(bells) = BELLS.read() else {
        return;
    };
    for bell in bells.iter().filter_map(Weak::upgrade) {
        if bell.pending.load(Ordering::SeqCst) {
            bell.ring();
        }
    }
}

/// One writer thread's doorbell.
#[derive(Debug, Default)]
pub(super) struct Bell {
    /// A record was queued since the writer last looked at the queue.
    pending: AtomicBool,
    writer: OnceLock<std::thread::Thread>,
}

impl Bell {
    /// A bell [`runtime_idle`] rings.
    pub(super) fn register() -> Arc<Bell> {
        let bell = Arc::new(Bell::default());
        if let Ok(mut bells) = BELLS.write() {
            bells.retain(|b| b.strong_count() > 0);
            bells.push(Arc::downgrade(&bell));
        }
        bell
    }

    /// Whether callers leave the waking to [`runtime_idle`].
    pub(super) fn deferred() -> bool {
        IDLE_HOOK.load(Ordering::SeqCst)
    }

    /// Called by the writer thread, once, before it first parks.
    pub(super) fn attach(&self) {
        let _ = self.writer.set(std::thread::current());
    }

    /// A record is in the queue: wake the writer now when `now`, else at the next idle worker.
    pub(super) fn queued(&self, now: bool) {
        self.pending.store(true, Ordering::SeqCst);
        if now || !Bell::deferred() {
            self.ring();
        }
    }

    pub(super) fn ring(&self) {
        if let Some(t) = self.writer.get() {
            t.unpark();
        }
    }

    /// The writer is about to look at the queue: what is queued from here on rings again.
    pub(super) fn answer(&self) {
        self.pending.store(false, Ordering::SeqCst);
    }
}
