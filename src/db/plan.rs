//! Plans as the caller's role may see them: each plan line of an EXPLAIN's rows goes through
//! the statement's [`PlanRedaction`](crate::sql::PlanRedaction) (decided by governance) before
//! it leaves `db`; lines it drops are removed. Rows of other statements pass untouched.

use super::RowSet;
use crate::sql::GovernedQuery;

pub(super) fn redact(mut set: RowSet, query: &GovernedQuery) -> RowSet {
    let Some(redaction) = query.plan_redaction() else {
        return set;
    };
    // SQLite's EXPLAIN QUERY PLAN carries the planner's cost estimate in its third column
    // (`notused`), taken from statistics over every row: a restricted role sees 0 there.
    let estimate = set
        .columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case("notused"))
        .filter(|_| redaction.restricted());
    if let Some(i) = estimate {
        for row in &mut set.rows {
            if let Some(cell) = row.get_mut(i) {
                *cell = serde_json::Value::from(0);
            }
        }
    }
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
