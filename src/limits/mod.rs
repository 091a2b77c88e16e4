//! Abuse control, shared by both transports: a rate limit per principal and a concurrency cap
//! per role (the role policy's `rate_per_minute` and `concurrency`), and a circuit breaker per
//! database.
//!
//! Input: the caller's principal and role, before governance; a database's connection failures.
//! Output: a [`Permit`] held for the length of the call, or a [`Limited`] refusal that carries
//! how long to wait. Nothing refused here reaches the database. State is per process; with
//! several replicas each enforces its own share (documented in the README).

mod breaker;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use breaker::{Breaker, BreakerOpen};

use crate::auth::Principal;
use crate::policy::PolicySet;

/// Why a call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Limited {
    #[error("rate limit of {per_minute} calls per minute reached for this principal")]
    Rate {
        per_minute: u32,
        retry_after: Duration,
    },
    #[error("role {role} already has {max} calls running (its concurrency limit)")]
    Concurrency { role: String, max: u32 },
}

impl Limited {
    /// How long the caller should wait before trying again.
    pub fn retry_after(&self) -> Duration {
        match self {
            Limited::Rate { retry_after, .. } => *retry_after,
            // A running call usually ends within a statement timeout; a short wait is honest.
            Limited::Concurrency { .. } => Duration::from_millis(250),
        }
    }
}

/// Held while a call runs; frees its concurrency slot when dropped.
#[derive(Debug)]
pub struct Permit {
    _slot: Option<OwnedSemaphorePermit>,
}

struct RoleLimits {
    per_minute: u32,
    rate: Option<DefaultKeyedRateLimiter<String>>,
    concurrency: Option<(u32, Arc<Semaphore>)>,
}

/// The limits of every role, built once from the policies.
pub struct Limiter {
    roles: HashMap<String, RoleLimits>,
    clock: DefaultClock,
}

impl Limiter {
    pub fn new(policies: &PolicySet) -> Self {
        let roles = policies
            .roles
            .iter()
            .map(|(name, role)| {
                let rate = role
                    .limits
                    .rate_per_minute
                    .and_then(NonZeroU32::new)
                    .map(|n| RateLimiter::keyed(Quota::per_minute(n)));
                let concurrency = role
                    .limits
                    .concurrency
                    .map(|n| (n, Arc::new(Semaphore::new(n as usize))));
                let limits = RoleLimits {
                    per_minute: role.limits.rate_per_minute.unwrap_or(0),
                    rate,
                    concurrency,
                };
                (name.clone(), limits)
            })
            .collect();
        Limiter {
            roles,
            clock: DefaultClock::default(),
        }
    }

    /// Admit one call of `principal`, or say why not and for how long.
    pub fn admit(&self, principal: &Principal) -> Result<Permit, Limited> {
        let Some(limits) = self.roles.get(&principal.role) else {
            return Ok(Permit { _slot: None });
        };
        let slot = match &limits.concurrency {
            None => None,
            Some((max, semaphore)) => match semaphore.clone().try_acquire_owned() {
                Ok(slot) => Some(slot),
                Err(_) => {
                    crate::telemetry::metrics::limit_refused("concurrency");
                    return Err(Limited::Concurrency {
                        role: principal.role.clone(),
                        max: *max,
                    });
                }
            },
        };
        if let Some(rate) = &limits.rate
            && let Err(not_until) = rate.check_key(&principal.name)
        {
            crate::telemetry::metrics::limit_refused("rate");
            return Err(Limited::Rate {
                per_minute: limits.per_minute,
                retry_after: not_until.wait_time_from(self.clock.now()),
            });
        }
        Ok(Permit { _slot: slot })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Limits, RolePolicy};

    fn limiter(rate: Option<u32>, concurrency: Option<u32>) -> Limiter {
        let limits = Limits {
            rate_per_minute: rate,
            concurrency,
            ..Limits::default()
        };
        let mut set = PolicySet::builtin(limits);
        set.roles
            .insert("default".into(), RolePolicy::default_role(limits));
        Limiter::new(&set)
    }

    #[test]
    fn the_rate_is_per_principal() {
        let l = limiter(Some(2), None);
        let alice = Principal::new("alice", "default");
        let bob = Principal::new("bob", "default");
        assert!(l.admit(&alice).is_ok());
        assert!(l.admit(&alice).is_ok());
        let refused = l.admit(&alice).expect_err("third call in a minute");
        assert!(matches!(refused, Limited::Rate { per_minute: 2, .. }));
        assert!(refused.retry_after() > Duration::ZERO);
        assert!(
            l.admit(&bob).is_ok(),
            "another principal has its own budget"
        );
    }

    #[test]
    fn concurrency_is_per_role_and_freed_when_the_call_ends() {
        let l = limiter(None, Some(1));
        let alice = Principal::new("alice", "default");
        let bob = Principal::new("bob", "default");
        let running = l.admit(&alice).expect("first");
        assert!(matches!(
            l.admit(&bob),
            Err(Limited::Concurrency { max: 1, .. })
        ));
        drop(running);
        assert!(l.admit(&bob).is_ok());
    }

    #[test]
    fn unknown_roles_and_no_limits_admit() {
        let l = limiter(None, None);
        for _ in 0..100 {
            assert!(l.admit(&Principal::new("a", "default")).is_ok());
        }
        assert!(l.admit(&Principal::new("a", "nobody")).is_ok());
    }
}
