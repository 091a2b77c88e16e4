//! Plans as the caller's role may see them: each plan line of an EXPLAIN's rows goes through
//! the statement's [`PlanRedaction`](crate::sql::PlanRedaction) (decided by governance) before
//! it leaves `db`; lines it drops are removed. Rows of other statements pass untouched.

use super::RowSet;
use crate::sql::GovernedQuery;

pub(super) fn redact(mut set: RowSet, query: &GovernedQuery) -> RowSet {
    let Some(redaction) = query.plan_redaction() else {
        return set;
    };
    set.rows.retain_mut(|row| {
        for cell in row.iter_mut() {
            if let serde_json::Value::String(line) = cell {
                match redaction.line(line) {
                    Some(shown) => *line = shown,
                    None => return false,
                }
            }
        }
        true
    });
    set
}
