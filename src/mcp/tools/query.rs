//! `query`: limits -> govern -> execute -> shape -> audit.

use std::time::Instant;

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, ContentBlock};
use tokio_util::sync::CancellationToken;

use crate::mcp::{Sqlwarden, ToolError, request_id};
use crate::shape::QueryOutput;
use crate::sql::Purpose;

/// A parameter value bound to $1.. / ?1.. placeholders.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    Null(()),
}

impl ParamValue {
    fn into_json(self) -> serde_json::Value {
        match self {
            ParamValue::Bool(b) => b.into(),
            ParamValue::Number(n) => n.into(),
            ParamValue::Text(s) => s.into(),
            ParamValue::Null(()) => serde_json::Value::Null,
        }
    }
}

/// Schema of one parameter: any JSON scalar.
struct ParamSchema;

impl schemars::JsonSchema for ParamSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Param".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["string", "number", "boolean", "null"]})
    }
}

/// Schema of `max_rows`: a positive integer.
struct MaxRowsSchema;

impl schemars::JsonSchema for MaxRowsSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MaxRows".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 1})
    }
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct QueryArgs {
    /// One read-only SQL statement.
    pub sql: String,
    /// Values for $1.. (PostgreSQL) or ?1.. (SQLite).
    #[schemars(with = "Option<Vec<ParamSchema>>")]
    pub params: Option<Vec<ParamValue>>,
    /// Row limit (capped by your role).
    #[schemars(with = "Option<MaxRowsSchema>")]
    pub max_rows: Option<u32>,
    /// Database; default if omitted.
    pub database: Option<String>,
}

pub(crate) async fn run(
    server: &Sqlwarden,
    args: QueryArgs,
    ct: CancellationToken,
) -> Result<CallToolResult, McpError> {
    let started = Instant::now();
    let id = request_id();
    let db = server.state.database(args.database.as_deref())?;
    let (schema, role) = match super::role_for(server, db).await {
        Ok(r) => r,
        Err(e) => return Ok(finish(server, &id, "query", started, Err(e))),
    };
    let max_rows = args
        .max_rows
        .map(u64::from)
        .unwrap_or(role.limits.max_rows)
        .clamp(1, role.limits.max_rows);
    let params: Vec<serde_json::Value> = args
        .params
        .unwrap_or_default()
        .into_iter()
        .map(ParamValue::into_json)
        .collect();

    // govern: parse, analyze, authorize, rewrite
    let governed = match super::govern(
        server,
        db,
        &schema,
        &role,
        &args.sql,
        &params,
        Purpose::Query { max_rows },
    ) {
        Ok(g) => g,
        Err(e) => return Ok(finish(server, &id, "query", started, Err(e.into()))),
    };
    // execute: pooled read-only session, timeout and cancellation enforced in the database
    let rows =
        crate::db::execute(db, &governed, super::exec_limits(&role, db, max_rows), &ct).await;
    // shape: structured content + compact text
    let result = rows.map_err(ToolError::from).map(|set| {
        let out = QueryOutput::from_rows(set, false, started.elapsed().as_secs_f64() * 1000.0);
        let text = out.render_text(max_rows);
        let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
        r.structured_content = serde_json::to_value(&out).ok();
        (r, out.row_count)
    });
    // audit: one record per request
    Ok(finish(server, &id, "query", started, result))
}

/// Log the request outcome and turn it into a tool result.
pub(crate) fn finish(
    server: &Sqlwarden,
    id: &str,
    tool: &str,
    started: Instant,
    result: Result<(CallToolResult, u64), ToolError>,
) -> CallToolResult {
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let p = &server.principal;
    match result {
        Ok((r, rows)) => {
            tracing::info!(request_id = id, tool, principal = %p.name, role = %p.role, decision = "allow", rows, elapsed_ms, "request");
            r
        }
        Err(e) => {
            match &e {
                ToolError::Internal(cause) => {
                    tracing::error!(request_id = id, tool, principal = %p.name, role = %p.role, cause = %cause, elapsed_ms, "request failed")
                }
                other => tracing::info!(
                    request_id = id, tool, principal = %p.name, role = %p.role,
                    decision = if matches!(other, ToolError::Denied(_) | ToolError::Parse(_)) { "deny" } else { "error" },
                    code = other.code(), rule = other.rule().unwrap_or(""), elapsed_ms, "request"
                ),
            }
            e.into_result(id)
        }
    }
}
