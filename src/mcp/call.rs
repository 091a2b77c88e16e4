//! The governed-call path, written once for every tool that touches a database.
//!
//! Input: the tool's request context (which carries the caller's [`Principal`]) and its
//! arguments. Output: one tool result, and one request record that is opened before the first
//! step that can fail and always closed. Stages, in order: resolve the database -> the
//! principal's role compiled for it -> limits (rate, concurrency) -> govern -> execute; the
//! tool shapes what comes back. Tools are adapters of a few lines over these stage calls.
//!
//! Must never let a statement reach the database without `sql::govern`, and never answer a call
//! that has no principal (HTTP callers without one are refused, fail-closed).

use std::sync::Arc;
use std::time::Instant;

use rmcp::RoleServer;
use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use tokio_util::sync::CancellationToken;

use super::{AppState, Sqlwarden, ToolError, request_id};
use crate::auth::Principal;
use crate::db::{Database, DbSchema, ExecLimits, RowSet};
use crate::sql::{CompiledRole, Denial, GovernContext, GovernError, GovernedQuery, Purpose, Rule};

/// What a governed call runs against: the database, its schema, the caller's compiled role.
pub(crate) struct Target {
    pub db: Arc<Database>,
    pub schema: Arc<DbSchema>,
    pub role: Arc<CompiledRole>,
}

/// What the caller wants from a statement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    /// Rows, at most this many (capped by the role).
    Rows(Option<u32>),
    /// The plan (EXPLAIN without ANALYZE).
    Plan,
}

/// One request: who, which tool, since when; closed by [`Call::finish`].
pub(crate) struct Call {
    state: Arc<AppState>,
    principal: Option<Arc<Principal>>,
    tool: &'static str,
    id: String,
    started: Instant,
    database: Option<String>,
    /// The caller's concurrency slot, held until the call ends.
    permit: Option<crate::limits::Permit>,
}

/// The caller of this request: the principal the HTTP layer put in the request, else the one
/// fixed for a stdio session.
fn principal_of(server: &Sqlwarden, ctx: &RequestContext<RoleServer>) -> Option<Arc<Principal>> {
    ctx.extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Arc<Principal>>())
        .cloned()
        .or_else(|| server.fixed_principal.clone())
}

impl Call {
    /// Open the request record: nothing before this can fail.
    pub(crate) fn open(
        server: &Sqlwarden,
        ctx: &RequestContext<RoleServer>,
        tool: &'static str,
    ) -> Call {
        Call {
            state: server.state.clone(),
            principal: principal_of(server, ctx),
            tool,
            id: request_id(),
            started: Instant::now(),
            database: None,
            permit: None,
        }
    }

    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// resolve the database -> limits (rate, concurrency, the database's breaker) -> the
    /// caller's role compiled for it
    pub(crate) async fn target(&mut self, database: Option<&str>) -> Result<Target, ToolError> {
        let principal = self.principal.clone().ok_or_else(|| {
            ToolError::Unauthorized("this request carries no authenticated principal".into())
        })?;
        let db = self.state.database(database)?.clone();
        self.database = Some(db.name.clone());
        self.permit = Some(self.state.limiter.admit(&principal)?);
        self.reachable(&db)?;
        // (an already loaded catalog proves nothing about the database: only failures count)
        if let Err(e) = db.ensure_catalog().await {
            self.observe(&db, Some(&e));
            return Err(e.into());
        }
        let schema = db.schema.load();
        let role = schema.role(&principal.role).cloned().ok_or_else(|| {
            ToolError::Unauthorized(format!(
                "role {} is not defined for database {}",
                principal.role, db.name
            ))
        })?;
        Ok(Target { db, schema, role })
    }

    /// govern: parse, analyze, authorize, rewrite (a panic in governance refuses the statement)
    pub(crate) fn govern(
        &self,
        target: &Target,
        sql: &str,
        params: &[serde_json::Value],
        purpose: Purpose,
    ) -> Result<GovernedQuery, ToolError> {
        let empty = Default::default();
        let attrs = self.principal.as_ref().map_or(&empty, |p| &p.attrs);
        let ctx = GovernContext {
            dialect: target.db.dialect,
            catalog: &target.schema.catalog,
            policy: &target.role,
            attrs,
            max_sql_len: self.state.max_sql_length,
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::sql::govern(sql, params, purpose, &ctx)
        }))
        .unwrap_or_else(|_| {
            tracing::error!(request_id = %self.id, "governance panicked; statement refused");
            Err(GovernError::Parse(
                "the statement could not be analyzed; simplify it".into(),
            ))
        })
        .map_err(ToolError::from)
    }

    /// The whole path for one statement: target -> govern -> execute. Returns the rows and the
    /// row cap that applied.
    pub(crate) async fn run_statement(
        &mut self,
        database: Option<&str>,
        sql: &str,
        params: &[serde_json::Value],
        want: Want,
        cancel: &CancellationToken,
    ) -> Result<(RowSet, u64), ToolError> {
        // resolve database -> role
        let target = self.target(database).await?;
        let (purpose, max_rows) = match want {
            Want::Rows(requested) => {
                let cap = target.role.limits.max_rows;
                let n = requested.map(u64::from).unwrap_or(cap).clamp(1, cap);
                (Purpose::Query { max_rows: n }, n)
            }
            Want::Plan => (Purpose::Explain, 10_000),
        };
        // govern: only the SQL printed from the governed AST goes on
        let governed = self.govern(&target, sql, params, purpose)?;
        // execute: pooled read-only session; timeout and cancellation enforced in the database
        let limits = ExecLimits {
            max_rows,
            max_result_bytes: target.role.limits.max_result_bytes,
            statement_timeout: target
                .db
                .statement_timeout
                .min(target.role.limits.statement_timeout),
        };
        let rows = crate::db::execute(&target.db, &governed, limits, cancel).await;
        self.observe(&target.db, rows.as_ref().err());
        Ok((rows?, max_rows))
    }

    /// The database's circuit breaker: refuse at once while it is open.
    fn reachable(&self, db: &Database) -> Result<(), ToolError> {
        match self.state.breakers.get(&db.name).map(|b| b.check()) {
            Some(Err(open)) => Err(ToolError::Unavailable(format!(
                "database {} is unreachable (repeated connection failures); retry in {} ms",
                db.name,
                open.retry_after.as_millis().max(1)
            ))),
            _ => Ok(()),
        }
    }

    /// Tell the breaker whether the database could be reached.
    fn observe(&self, db: &Database, error: Option<&crate::db::DbError>) {
        let Some(breaker) = self.state.breakers.get(&db.name) else {
            return;
        };
        match error {
            Some(crate::db::DbError::Unavailable(_)) => breaker.failure(),
            Some(crate::db::DbError::Cancelled) => {}
            _ => breaker.success(),
        }
    }

    /// Close the request record (logged now; the audit trail makes it durable) and render the
    /// result the client sees.
    pub(crate) fn finish(self, result: Result<(CallToolResult, u64), ToolError>) -> CallToolResult {
        let elapsed_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let (principal, role) = match &self.principal {
            Some(p) => (p.name.as_str(), p.role.as_str()),
            None => ("", ""),
        };
        let (id, tool, database) = (&self.id, self.tool, self.database.as_deref().unwrap_or(""));
        match result {
            Ok((r, rows)) => {
                tracing::info!(request_id = %id, tool, principal, role, database, decision = "allow", rows, elapsed_ms, "request");
                r
            }
            Err(e) => {
                match &e {
                    ToolError::Internal(cause) => {
                        tracing::error!(request_id = %id, tool, principal, role, database, cause = %cause, elapsed_ms, "request failed")
                    }
                    other => tracing::info!(
                        request_id = %id, tool, principal, role, database,
                        decision = if matches!(other, ToolError::Denied(_) | ToolError::Parse(_)) { "deny" } else { "error" },
                        code = other.code(), rule = other.rule().unwrap_or(""), elapsed_ms, "request"
                    ),
                }
                e.into_result(id)
            }
        }
    }
}

/// An unknown `database` argument: a refusal the model can act on.
pub(crate) fn unknown_database(name: &str, known: &[&str]) -> ToolError {
    ToolError::Denied(Denial::new(
        Rule::UnknownDatabase,
        format!(
            "database {name} is not configured; use one of: {}",
            known.join(", ")
        ),
    ))
}
