//! `[audit]`: how the audit trail keeps its records.

use serde::Deserialize;

use crate::audit::{AuditConfig, Durability};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudit {
    durability: Option<Durability>,
    on_failure: Option<String>,
    queue: Option<usize>,
    log_params: Option<bool>,
}

impl RawAudit {
    pub(super) fn resolve(self, origin: &str, errors: &mut Vec<String>) -> AuditConfig {
        let d = AuditConfig::default();
        let fail_open = match self.on_failure.as_deref() {
            None | Some("closed") => false,
            Some("open") => true,
            Some(other) => {
                errors.push(format!(
                    "{origin}: audit.on_failure must be \"closed\" or \"open\", not \"{other}\""
                ));
                false
            }
        };
        let queue = self.queue.unwrap_or(d.queue);
        if queue == 0 {
            errors.push(format!("{origin}: audit.queue must be at least 1"));
        }
        AuditConfig {
            durability: self.durability.unwrap_or(d.durability),
            fail_open,
            queue: queue.max(1),
            log_params: self.log_params.unwrap_or(d.log_params),
        }
    }
}
