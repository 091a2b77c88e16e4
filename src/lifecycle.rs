//! The server's life: how many calls are running, and whether it is draining for shutdown.
//!
//! Input: each call holds an [`InFlight`] guard from the opening of its request record to its
//! closing; the shutdown sequence marks the state draining. Output: `/readyz` answers 503 once
//! draining (load balancers stop sending work before the listener closes), and shutdown waits
//! for the running calls up to its deadline. Must never block a call: the guard is two atomics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// Shared by every call of one process.
#[derive(Debug, Default)]
pub struct Lifecycle {
    draining: AtomicBool,
    running: Arc<Running>,
}

#[derive(Debug, Default)]
struct Running {
    count: AtomicUsize,
    idle: Notify,
}

/// Held while one call runs.
#[derive(Debug)]
pub struct InFlight(Arc<Running>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Lifecycle {
    /// Count one more running call until the guard is dropped.
    pub fn enter(&self) -> InFlight {
        self.running.count.fetch_add(1, Ordering::AcqRel);
        InFlight(self.running.clone())
    }

    /// Calls running now.
    pub fn in_flight(&self) -> usize {
        self.running.count.load(Ordering::Acquire)
    }

    /// Stop reporting ready: shutdown has begun.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Release);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Wait until no call runs, at most `timeout`; true if none runs.
    pub async fn idle(&self, timeout: Duration) -> bool {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            // Created before the check, so a wake-up between the check and the wait is kept.
            let idle = self.running.idle.notified();
            if self.in_flight() == 0 {
                return true;
            }
            if tokio::time::timeout_at(until, idle).await.is_err() {
                return self.in_flight() == 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn idle_waits_for_the_last_call() {
        let l = Arc::new(Lifecycle::default());
        let a = l.enter();
        let b = l.enter();
        assert_eq!(l.in_flight(), 2);
        assert!(!l.idle(Duration::from_millis(20)).await, "calls still run");
        drop(a);
        let waiter = {
            let l = l.clone();
            tokio::spawn(async move { l.idle(Duration::from_secs(5)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(b);
        assert!(waiter.await.unwrap_or(false));
        assert_eq!(l.in_flight(), 0);
    }

    #[test]
    fn draining_is_one_way() {
        let l = Lifecycle::default();
        assert!(!l.is_draining());
        l.drain();
        assert!(l.is_draining());
    }
}
