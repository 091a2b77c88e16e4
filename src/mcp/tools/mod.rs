//! One file per tool. Argument structs' doc comments are the schema the model reads.

pub(crate) mod describe_table;
pub(crate) mod explain_query;
pub(crate) mod list_tables;
pub(crate) mod query;

pub use describe_table::DescribeTableArgs;
pub use explain_query::ExplainQueryArgs;
pub use list_tables::ListTablesArgs;
pub use query::QueryArgs;

use crate::db::{Database, ExecLimits};
use crate::sql::{GovernContext, GovernError, GovernedQuery, Purpose};

use super::Sqlwarden;

/// Run governance for one statement against one database.
pub(crate) fn govern(
    server: &Sqlwarden,
    db: &Database,
    sql: &str,
    params: &[serde_json::Value],
    purpose: Purpose,
) -> Result<GovernedQuery, GovernError> {
    let catalog = db.catalog.load();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &catalog,
        policy: &server.state.policy,
        max_sql_len: server.state.max_sql_length,
    };
    // Governance must never take the server down: a panic in the parser or walker (a bug)
    // becomes a refusal of this one statement.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::sql::govern(sql, params, purpose, &ctx)
    }))
    .unwrap_or_else(|_| {
        tracing::error!("governance panicked; statement refused");
        Err(GovernError::Parse(
            "the statement could not be analyzed; simplify it".into(),
        ))
    })
}

pub(crate) fn exec_limits(server: &Sqlwarden, db: &Database, max_rows: u64) -> ExecLimits {
    let limits = server.state.policy.limits;
    ExecLimits {
        max_rows,
        max_result_bytes: limits.max_result_bytes,
        statement_timeout: db.statement_timeout.min(limits.statement_timeout),
    }
}
