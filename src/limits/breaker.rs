//! A circuit breaker per database: after repeated connection failures, calls are answered
//! `unavailable` at once instead of piling up on connects that will time out; after a cooldown
//! one call is let through as a probe, and its success closes the circuit. Other databases are
//! not affected.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Consecutive connection failures that open the circuit.
const FAILURES_TO_OPEN: u32 = 3;
/// First cooldown; doubles while probes keep failing, up to [`MAX_COOLDOWN`].
const COOLDOWN: Duration = Duration::from_secs(2);
const MAX_COOLDOWN: Duration = Duration::from_secs(30);

#[derive(Debug)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
        cooldown: Duration,
    },
    /// A probe is in flight; everyone else is refused until it reports.
    HalfOpen {
        cooldown: Duration,
    },
}

/// The circuit is open: do not try the database now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerOpen {
    pub retry_after: Duration,
}

#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }
}

impl Breaker {
    /// May a call try the database now? (An open circuit past its cooldown admits one probe.)
    pub fn check(&self) -> Result<(), BreakerOpen> {
        let Ok(mut state) = self.state.lock() else {
            return Ok(());
        };
        match *state {
            State::Closed { .. } => Ok(()),
            State::Open { until, cooldown } => {
                let now = Instant::now();
                if now >= until {
                    *state = State::HalfOpen { cooldown };
                    Ok(())
                } else {
                    Err(BreakerOpen {
                        retry_after: until - now,
                    })
                }
            }
            State::HalfOpen { .. } => Err(BreakerOpen {
                retry_after: Duration::from_millis(500),
            }),
        }
    }

    /// The state as a number, for metrics: 0 closed, 1 open, 2 half-open.
    pub fn state_code(&self) -> u8 {
        match self.state.lock().as_deref() {
            Ok(State::Closed { .. }) | Err(_) => 0,
            Ok(State::Open { .. }) => 1,
            Ok(State::HalfOpen { .. }) => 2,
        }
    }

    /// The database answered (whatever it answered): close the circuit.
    pub fn success(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = State::Closed { failures: 0 };
        }
    }

    /// The database could not be reached.
    pub fn failure(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        *state = match *state {
            State::Closed { failures } if failures + 1 < FAILURES_TO_OPEN => State::Closed {
                failures: failures + 1,
            },
            State::Closed { .. } => State::Open {
                until: now + COOLDOWN,
                cooldown: COOLDOWN,
            },
            State::HalfOpen { cooldown } | State::Open { cooldown, .. } => {
                let cooldown = (cooldown * 2).min(MAX_COOLDOWN);
                State::Open {
                    until: now + cooldown,
                    cooldown,
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_repeated_failures_and_a_probe_closes_it() {
        let b = Breaker::default();
        for _ in 0..FAILURES_TO_OPEN - 1 {
            b.failure();
            assert!(b.check().is_ok());
        }
        b.failure();
        let open = b.check().expect_err("open");
        assert!(open.retry_after <= COOLDOWN);
        // Past the cooldown (simulated): one probe, the others wait for it.
        if let Ok(mut s) = b.state.lock() {
            *s = State::Open {
                until: Instant::now(),
                cooldown: COOLDOWN,
            };
        }
        assert!(b.check().is_ok(), "the probe goes through");
        assert!(b.check().is_err(), "others wait for the probe");
        b.success();
        assert!(b.check().is_ok());
    }

    #[test]
    fn a_failed_probe_doubles_the_cooldown() {
        let b = Breaker::default();
        if let Ok(mut s) = b.state.lock() {
            *s = State::HalfOpen { cooldown: COOLDOWN };
        }
        b.failure();
        let open = b.check().expect_err("open again");
        assert!(open.retry_after > COOLDOWN && open.retry_after <= COOLDOWN * 2);
    }

    #[test]
    fn a_success_resets_the_count() {
        let b = Breaker::default();
        b.failure();
        b.failure();
        b.success();
        b.failure();
        b.failure();
        assert!(b.check().is_ok());
    }
}
