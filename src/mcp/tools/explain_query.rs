//! `explain_query`: the plan of a governed query (EXPLAIN, never ANALYZE).

use rmcp::RoleServer;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::service::RequestContext;

use crate::mcp::Sqlwarden;
use crate::mcp::call::{Call, Want};

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
    ctx: RequestContext<RoleServer>,
) -> CallToolResult {
    let mut call = Call::open(server, &ctx, "explain_query");
    let started = call.started();
    let result = call
        .run_statement(
            args.database.as_deref(),
            &args.sql,
            &[],
            Want::Plan,
            &ctx.ct,
        )
        .await
        .map(|(set, _)| {
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
    call.finish(result).await
}
