//! Value hints: the distinct values of a table's low-cardinality text columns (a status, a
//! region), as the caller's role sees them, so a model writes a correct WHERE on the first try.
//!
//! Input: the call (its principal's role and attributes), the table and its visible columns.
//! Output: column -> sorted values, for columns with at most [`MAX_VALUES`] values of at most
//! [`MAX_VALUE_CHARS`] characters. Each column is read with a statement that goes through
//! `sql::govern` as the caller (so the role's row filter applies) and `db::execute` within a
//! short timeout; never ungoverned SQL. Results are cached with the catalog, per role, attributes
//! and table; failures (a timeout, the database down) are not cached.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::ToolError;
use super::call::{Call, Target};
use crate::db::schema::ColumnInfo;
use crate::db::{ColumnValues, ExecLimits, HintKey};
use crate::sql::{Purpose, QualifiedName, TableAccess};

/// More distinct values than this and the column is not a category.
pub(crate) const MAX_VALUES: u64 = 20;
/// A longer value is prose or an identifier, not a category.
pub(crate) const MAX_VALUE_CHARS: usize = 40;
/// At most this many columns of one table are read.
const MAX_COLUMNS: usize = 12;
/// Each column's statement gets at most this long (the role's own timeout if shorter).
const TIMEOUT: Duration = Duration::from_secs(2);
/// All of one table's statements together: on a large table the remaining columns go without
/// hints rather than making `describe_table` wait a timeout per column.
const BUDGET: Duration = Duration::from_secs(3);

/// The value hints of `table` for this call's role and attributes (cached).
pub(crate) async fn for_table(
    call: &Call,
    target: &Target,
    table: &QualifiedName,
    access: &TableAccess,
    columns: &[ColumnInfo],
    cancel: &CancellationToken,
) -> ColumnValues {
    let key = HintKey {
        role: target.role.name.clone(),
        attrs: call.attrs(),
        table: table.clone(),
    };
    let cache = &target.schema.value_hints;
    if let Some(hit) = cache.get(&key) {
        return hit;
    }
    let dialect = target.db.dialect;
    let candidates = columns
        .iter()
        .filter(|c| {
            access
                .hint_columns
                .iter()
                .any(|h| dialect.same_name(h, &c.name))
                && dialect.is_text_type(&c.type_name)
        })
        .take(MAX_COLUMNS);
    let mut found = Vec::new();
    let mut complete = true;
    let started = std::time::Instant::now();
    for c in candidates {
        if started.elapsed() >= BUDGET {
            // Too slow a table to read more; cached as is, so the next call does not pay again.
            break;
        }
        match values_of(call, target, table, &c.name, cancel).await {
            Ok(Some(values)) => found.push((c.name.clone(), values)),
            Ok(None) => {}
            // A column too large to read in time stays without hints (and is cached so).
            Err(ToolError::Timeout(_)) => {}
            Err(e) => {
                // Not the caller's problem: describe_table answers without this column's values;
                // not cached, so the next call tries again (the database may be back).
                tracing::debug!(table = %table, column = %c.name, error = %e, "value hint skipped");
                complete = false;
            }
        }
    }
    let found: ColumnValues = Arc::new(found);
    if complete {
        cache.insert(key, found.clone());
    }
    found
}

/// One column's distinct values, or `None` when it is not a category (too many values, long
/// values, non-text values, none at all, or a statement the policy refuses).
async fn values_of(
    call: &Call,
    target: &Target,
    table: &QualifiedName,
    column: &str,
    cancel: &CancellationToken,
) -> Result<Option<Vec<String>>, ToolError> {
    let sql = crate::sql::distinct_values_sql(table, column);
    // govern as the caller: row filter, hidden columns and attributes apply
    let governed = match call.govern(
        target,
        &sql,
        &[],
        Purpose::Query {
            max_rows: MAX_VALUES,
        },
    ) {
        Ok(g) => g,
        Err(ToolError::Denied(_) | ToolError::Parse(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let limits = ExecLimits {
        max_rows: MAX_VALUES,
        max_result_bytes: 64 * 1024,
        statement_timeout: TIMEOUT
            .min(target.db.statement_timeout)
            .min(target.role.limits.statement_timeout),
    };
    let rows = crate::db::execute(&target.db, &governed, limits, cancel).await?;
    if rows.truncated || rows.rows.is_empty() {
        return Ok(None);
    }
    let mut values = Vec::with_capacity(rows.rows.len());
    for row in rows.rows {
        match row.into_iter().next() {
            Some(serde_json::Value::String(s))
                if s.chars().count() <= MAX_VALUE_CHARS && !s.chars().any(char::is_control) =>
            {
                values.push(s)
            }
            _ => return Ok(None),
        }
    }
    Ok(Some(values))
}
