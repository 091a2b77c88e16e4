//! One file per tool. Argument structs' doc comments are the schema the model reads.

pub(crate) mod describe_table;
pub(crate) mod explain_query;
pub(crate) mod list_tables;
pub(crate) mod query;

use std::sync::Arc;

pub use describe_table::DescribeTableArgs;
pub use explain_query::ExplainQueryArgs;
pub use list_tables::ListTablesArgs;
pub use query::QueryArgs;

use super::{Sqlwarden, ToolError};
use crate::db::{Database, DbSchema, ExecLimits};
use crate::sql::{CompiledRole, GovernContext, GovernError, GovernedQuery, Purpose};

/// The database's current schema and the caller's role compiled for it.
pub(crate) async fn role_for(
    server: &Sqlwarden,
    db: &Database,
) -> Result<(Arc<DbSchema>, Arc<CompiledRole>), ToolError> {
    db.ensure_catalog().await?;
    let schema = db.schema.load();
    let role = schema
        .role(&server.principal.role)
        .cloned()
        .ok_or_else(|| {
            ToolError::Unauthorized(format!(
                "role {} is not defined for database {}",
                server.principal.role, db.name
            ))
        })?;
    Ok((schema, role))
}

/// Run governance for one statement against one database.
pub(crate) fn govern(
    server: &Sqlwarden,
    db: &Database,
    schema: &DbSchema,
    role: &CompiledRole,
    sql: &str,
    params: &[serde_json::Value],
    purpose: Purpose,
) -> Result<GovernedQuery, GovernError> {
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &schema.catalog,
        policy: role,
        attrs: &server.principal.attrs,
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

pub(crate) fn exec_limits(role: &CompiledRole, db: &Database, max_rows: u64) -> ExecLimits {
    ExecLimits {
        max_rows,
        max_result_bytes: role.limits.max_result_bytes,
        statement_timeout: db.statement_timeout.min(role.limits.statement_timeout),
    }
}
