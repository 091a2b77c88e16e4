//! `explain_query`: the plan of a governed query (EXPLAIN, never ANALYZE).

use std::time::Instant;

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, ContentBlock};
use tokio_util::sync::CancellationToken;

use crate::mcp::{Sqlwarden, ToolError, request_id};
use crate::sql::Purpose;

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct ExplainQueryArgs {
    /// One read-only SQL statement.
    pub sql: String,
    /// Database; default if omitted.
    pub database: Option<String>,
}

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct ExplainOutput {
    /// The plan as the database prints it.
    pub plan: String,
    pub elapsed_ms: f64,
}

pub(crate) async fn run(
    server: &Sqlwarden,
    args: ExplainQueryArgs,
    ct: CancellationToken,
) -> Result<CallToolResult, McpError> {
    let started = Instant::now();
    let id = request_id();
    let db = server.state.database(args.database.as_deref())?;
    let max_rows = 10_000;
    let (schema, role) = match super::role_for(server, db).await {
        Ok(r) => r,
        Err(e) => {
            return Ok(super::query::finish(
                server,
                &id,
                "explain_query",
                started,
                Err(e),
            ));
        }
    };
    let governed = match super::govern(server, db, &schema, &role, &args.sql, &[], Purpose::Explain)
    {
        Ok(g) => g,
        Err(e) => {
            return Ok(super::query::finish(
                server,
                &id,
                "explain_query",
                started,
                Err(e.into()),
            ));
        }
    };
    let rows =
        crate::db::execute(db, &governed, super::exec_limits(&role, db, max_rows), &ct).await;
    let result = rows.map_err(ToolError::from).map(|set| {
        // PostgreSQL: one text column per plan line. SQLite (EXPLAIN QUERY PLAN): id, parent, _, detail.
        let detail = set.columns.iter().position(|c| c.name == "detail");
        let lines: Vec<String> = set
            .rows
            .iter()
            .map(|row| {
                let cell = detail.and_then(|i| row.get(i)).or_else(|| row.first());
                match cell {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                }
            })
            .collect();
        let out = ExplainOutput {
            plan: lines.join("\n"),
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        let mut r = CallToolResult::success(vec![ContentBlock::text(out.plan.clone())]);
        r.structured_content = serde_json::to_value(&out).ok();
        (r, lines.len() as u64)
    });
    Ok(super::query::finish(
        server,
        &id,
        "explain_query",
        started,
        result,
    ))
}
