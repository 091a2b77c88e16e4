//! How much text a caller chose (its SQL, the governed SQL, parameter values) one principal's
//! records keep whole per minute. Each record bounds its own fields; without this a principal
//! sending the largest SQL as fast as it was answered wrote about 1 GB a minute into the store
//! (a red-team finding). Past the budget the record is still written, with those fields cut
//! to [`CUT_TO`] bytes each, and the cut is counted
//! (`sqlwarden_audit_text_cut_total`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::AuditRecord;

/// Bytes of chosen text one principal's records keep whole per [`WINDOW`].
pub(crate) const PER_WINDOW: u64 = 8 << 20;
const WINDOW: Duration = Duration::from_secs(60);
/// What an over-budget record keeps of each field.
pub(crate) const CUT_TO: usize = 1024;
/// Records this small are never counted: the common case takes no lock.
const SMALL: u64 = 4 * 1024;
/// Principals tracked before windows that have ended are dropped.
const FORGET_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct TextBudget {
    windows: Mutex<HashMap<String, (Instant, u64)>>,
}

impl TextBudget {
    /// Count `r`'s chosen text against its principal's window (an unauthenticated one's,
    /// against its address); over the budget, cut it.
    pub(crate) fn charge(&self, r: &mut AuditRecord) {
        let len = |f: &Option<String>| f.as_ref().map_or(0, |s| s.len() as u64);
        let bytes = len(&r.sql) + len(&r.governed_sql) + len(&r.params);
        if bytes <= SMALL {
            return;
        }
        let who = r
            .principal
            .clone()
            .or_else(|| r.client.clone())
            .unwrap_or_default();
        let over = {
            let mut windows = self
                .windows
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if windows.len() > FORGET_ABOVE {
                windows.retain(|_, (start, _)| start.elapsed() < WINDOW);
            }
            let window = windows.entry(who).or_insert((Instant::now(), 0));
            if window.0.elapsed() >= WINDOW {
                *window = (Instant::now(), 0);
            }
            window.1 = window.1.saturating_add(bytes);
            window.1 > PER_WINDOW
        };
        if over {
            for field in [&mut r.sql, &mut r.governed_sql, &mut r.params]
                .into_iter()
                .flatten()
            {
                super::cut(field, CUT_TO);
            }
            crate::telemetry::metrics::audit_text_cut();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Decision;

    #[test]
    fn a_principal_keeps_its_text_whole_up_to_its_budget() {
        let budget = TextBudget::default();
        let record = |principal: &str| {
            let mut r = AuditRecord::new("r", "http", "tools/call", Decision::Deny);
            r.principal = Some(principal.into());
            r.sql = Some("x".repeat(64 * 1024));
            r
        };
        let fits = (PER_WINDOW / (64 * 1024)) as usize;
        for _ in 0..fits {
            let mut r = record("flood");
            budget.charge(&mut r);
            assert_eq!(r.sql.as_ref().map(String::len), Some(64 * 1024));
        }
        let mut r = record("flood");
        budget.charge(&mut r);
        let sql = r.sql.unwrap_or_default();
        assert!(
            sql.len() < 2 * CUT_TO && sql.ends_with("more bytes]"),
            "{}",
            sql.len()
        );
        // Another principal has its own budget; small records are never cut.
        let mut other = record("quiet");
        budget.charge(&mut other);
        assert_eq!(other.sql.as_ref().map(String::len), Some(64 * 1024));
        let mut small = record("flood");
        small.sql = Some("SELECT 1".into());
        budget.charge(&mut small);
        assert_eq!(small.sql.as_deref(), Some("SELECT 1"));
    }
}
