//! The governed-call path, written once for every tool that touches a database.
//!
//! Input: the tool's request context (which carries the caller's [`Principal`]) and its
//! arguments. Output: one tool result, and one request record that is opened before the first
//! step that can fail and always closed. Stages, in order: resolve the database -> the
//! principal's role compiled for it -> limits (rate, concurrency) -> govern -> execute; the
//! tool shapes what comes back. Tools are adapters of a few lines over these stage calls.
//!
//! The record goes to the audit trail when the call finishes ([`Call::finish`]), or when the call
//! is dropped unfinished (cancelled): exactly one per call. In `sync` audit mode the reply waits
//! for the record's commit, and a record that cannot be written turns the reply into
//! `unavailable` (fail closed) unless the operator chose to fail open.
//!
//! Must never let a statement reach the database without `sql::govern`, and never answer a call
//! that has no principal (HTTP callers without one are refused, fail-closed).

use std::sync::Arc;
use std::time::Instant;

use rmcp::model::CallToolResult;
use tokio_util::sync::CancellationToken;

pub(crate) use super::caller::{
    Caller, Recorded, Request, StdioRequest, ToolRan, client_of, principal_of,
};
use super::{AppState, Sqlwarden, ToolError, request_id};
use crate::audit::{AuditRecord, Decision};
use crate::auth::Principal;
use crate::cache::{DecisionKey, ResultKey, Served};
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

/// One request: who, which tool, since when, and what it asked; closed by [`Call::finish`].
pub(crate) struct Call {
    state: Arc<AppState>,
    principal: Option<Arc<Principal>>,
    method: &'static str,
    tool: String,
    id: String,
    started: Instant,
    transport: &'static str,
    client: Option<String>,
    database: Option<String>,
    sql: Option<String>,
    governed_sql: Option<String>,
    /// The governed statement reads a table through the role's row filter or column
    /// restrictions (its text then shows the policy's filters, and plans are shape-only).
    governed_restricted: bool,
    param_count: usize,
    params: Option<String>,
    /// The caller's concurrency slot, held until the call ends.
    permit: Option<crate::limits::Permit>,
    /// The age of the rows when they came from the result cache.
    cached: Option<std::time::Duration>,
    /// A template's own `cache_ttl`, which decides instead of the role's.
    cache_ttl: Option<std::time::Duration>,
    /// Set by `finish`; an unfinished call is recorded as cancelled when dropped.
    finished: bool,
    /// A refusal the caller was answered about in a successful reply (`review_sql`): recorded
    /// as a denial with its code and rule.
    refusal: Option<(&'static str, Option<String>)>,
    /// Counts this call as running (shutdown waits for it).
    _running: crate::lifecycle::InFlight,
}

impl Call {
    /// Open the request record of a `tools/call`: nothing before this can fail.
    pub(crate) fn open(server: &Sqlwarden, ctx: &impl Request, tool: &str) -> Call {
        Call::open_method(server, ctx, "tools/call", tool)
    }

    /// Open the request record of any method (`prompts/get`, `resources/read`, ...); `name` is
    /// the tool, prompt or resource asked for.
    pub(crate) fn open_method(
        server: &Sqlwarden,
        ctx: &impl Request,
        method: &'static str,
        name: &str,
    ) -> Call {
        ctx.mark_ran();
        Call::with_caller(server, Caller::of(server, ctx), method, name)
    }

    fn with_caller(server: &Sqlwarden, caller: Caller, method: &'static str, name: &str) -> Call {
        Call {
            state: server.state.clone(),
            principal: caller.principal,
            method,
            tool: name.to_string(),
            id: request_id(),
            started: caller.started,
            transport: caller.transport,
            client: caller.client,
            database: None,
            sql: None,
            governed_sql: None,
            governed_restricted: false,
            param_count: 0,
            params: None,
            permit: None,
            cached: None,
            cache_ttl: None,
            finished: false,
            refusal: None,
            _running: server.state.lifecycle.enter(),
        }
    }

    /// Note the statement as the caller sent it (before anything can refuse it).
    pub(crate) fn asked(&mut self, sql: &str, params: &[serde_json::Value]) {
        self.sql = Some(sql.to_string());
        self.param_count = params.len();
        if self.state.auditor.log_params() {
            self.params = serde_json::to_string(params).ok();
        }
    }

    /// The caller's attributes (empty without a principal).
    pub(crate) fn attrs(&self) -> std::collections::BTreeMap<String, String> {
        self.principal
            .as_ref()
            .map(|p| p.attrs.clone())
            .unwrap_or_default()
    }

    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// Cache this call's rows for `ttl` whatever the role's `cache_ttl` (a DBA template that
    /// says how fresh its results must be).
    pub(crate) fn cache_for(&mut self, ttl: std::time::Duration) {
        self.cache_ttl = Some(ttl);
    }

    /// How old the rows are when they came from the result cache (`None`: read just now).
    pub(crate) fn cached(&self) -> Option<std::time::Duration> {
        self.cached
    }

    /// Record this call as refused by `e`, although its reply (a prompt explaining the
    /// refusal) is a success.
    pub(crate) fn refused_in_reply(&mut self, e: &ToolError) {
        self.refusal = Some((e.code(), e.rule().map(str::to_string)));
    }

    /// The SQL governance produced for this call, once it has run.
    pub(crate) fn governed_sql(&self) -> Option<&str> {
        self.governed_sql.as_deref()
    }

    /// Whether the last governed EXPLAIN read a table through the role's restrictions.
    pub(crate) fn governed_restricted(&self) -> bool {
        self.governed_restricted
    }

    /// resolve the database -> limits (rate, concurrency, the database's breaker) -> the
    /// caller's role compiled for it
    pub(crate) async fn target(&mut self, database: Option<&str>) -> Result<Target, ToolError> {
        let principal = self.principal.clone().ok_or_else(|| {
            ToolError::Unauthorized("this request carries no authenticated principal".into())
        })?;
        let db = self.state.database(database)?.clone();
        self.database = Some(db.name.clone());
        self.permit = Some(self.state.registry.load().limiter.admit(&principal)?);
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
        // a repeated statement (same SQL, parameter types, role, attributes, catalog and
        // policies) reuses its decision
        let key = DecisionKey::new(
            &target.db.name,
            target.schema.generation,
            purpose,
            sql,
            params,
            &ctx,
        );
        let govern = || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::sql::govern(sql, params, purpose, &ctx)
            }))
            .unwrap_or_else(|_| {
                tracing::error!(request_id = %self.id, "governance panicked; statement refused");
                Err(GovernError::Parse(
                    "the statement could not be analyzed; simplify it".into(),
                ))
            })
        };
        self.state
            .decisions
            .decide(key, params, govern)
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
        self.asked(sql, params);
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
        self.governed_sql = Some(governed.sql().to_string());
        self.governed_restricted = governed.plan_redaction().is_some_and(|p| p.restricted());
        // execute: pooled read-only session; timeout and cancellation enforced in the database
        let limits = ExecLimits {
            max_rows,
            max_result_bytes: target.role.limits.max_result_bytes,
            statement_timeout: target
                .db
                .statement_timeout
                .min(target.role.limits.statement_timeout),
        };
        // cache: a role with a cache_ttl reads rows another call of the same key just read
        let ttl = match want {
            Want::Rows(_) => self.cache_ttl.unwrap_or(target.role.limits.cache_ttl),
            Want::Plan => std::time::Duration::ZERO,
        };
        let run = crate::db::execute(&target.db, &governed, limits, cancel);
        let served = if ttl.is_zero() {
            run.await.map(Served::fresh)
        } else {
            let key = ResultKey {
                database: target.db.name.clone(),
                generation: target.schema.generation,
                role: target.role.name.clone(),
                sql: governed.sql().to_string(),
                params: serde_json::to_string(governed.params()).unwrap_or_default(),
                max_rows: limits.max_rows,
                max_bytes: limits.max_result_bytes,
            };
            // Boxed: the cache's future is some 45 KB, and every call's future (cached or not)
            // would carry that size and copy it as it is handed down the request path.
            match Box::pin(self.state.results.get_or_run(key, ttl, run)).await {
                // Another call ran it and was cancelled: this one is not, so it runs on its own.
                Err(crate::db::DbError::Cancelled) if !cancel.is_cancelled() => {
                    crate::db::execute(&target.db, &governed, limits, cancel)
                        .await
                        .map(Served::fresh)
                }
                other => other,
            }
        };
        self.observe(&target.db, served.as_ref().err());
        let served = served.map_err(|e| with_dialect_hint(e.into(), target.db.dialect))?;
        self.cached = served.cached;
        if !ttl.is_zero() {
            crate::telemetry::metrics::cache_lookup(served.cached.is_some());
        }
        Ok((served.into_rows(), max_rows))
    }

    /// The database's circuit breaker: refuse at once while it is open.
    fn reachable(&self, db: &Database) -> Result<(), ToolError> {
        let Some(Err(open)) = self.state.breakers.get(&db.name).map(|b| b.check()) else {
            return Ok(());
        };
        crate::telemetry::metrics::limit_refused("breaker");
        Err(ToolError::Unavailable(format!(
            "database {} is unreachable (repeated connection failures); retry in {} ms",
            db.name,
            open.retry_after.as_millis().max(1)
        )))
    }

    /// Tell the breaker whether the database could be reached.
    fn observe(&self, db: &Database, error: Option<&crate::db::DbError>) {
        let Some(breaker) = self.state.breakers.get(&db.name) else {
            return;
        };
        match error {
            Some(crate::db::DbError::Unavailable(_)) => breaker.failure(),
            // (a pool whose connections are all busy reached the database just fine)
            Some(crate::db::DbError::Cancelled | crate::db::DbError::Busy(_)) => {}
            _ => breaker.success(),
        }
    }

    /// Close the request record and render the result the client sees. In `sync` audit mode
    /// this returns once the record is committed; a record that cannot be written makes the
    /// reply `unavailable` (unless the operator chose to fail open).
    pub(crate) async fn finish(
        mut self,
        result: Result<(CallToolResult, u64), ToolError>,
    ) -> CallToolResult {
        self.finished = true;
        let (record, reply) = match result {
            Ok((r, rows)) => {
                let mut record = match &self.refusal {
                    None => self.record(Decision::Allow),
                    Some((code, rule)) => {
                        let mut d = self.record(Decision::Deny);
                        d.code = Some(code.to_string());
                        d.rule = rule.clone();
                        d
                    }
                };
                record.rows = Some(i64::try_from(rows).unwrap_or(i64::MAX));
                record.bytes = Some(result_bytes(&r));
                record.truncated = r
                    .structured_content
                    .as_ref()
                    .and_then(|s| s.get("truncated"))
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false);
                (record, r)
            }
            Err(e) => {
                if let ToolError::Internal(cause) = &e {
                    tracing::error!(request_id = %self.id, tool = %self.tool, cause = %cause, "request failed");
                }
                let record = self.error_record(&e);
                (record, e.into_result(&self.id))
            }
        };
        self.metered(&record);
        match self.state.auditor.record(record).await {
            Ok(()) => reply,
            Err(_) => ToolError::Unavailable(
                "the audit trail cannot be written, so no call is answered; retry later".into(),
            )
            .into_result(&self.id),
        }
    }

    /// Count the call in the metrics, from its record (code and rule are stable ids, a
    /// bounded set).
    fn metered(&self, record: &AuditRecord) {
        crate::telemetry::metrics::call_finished(crate::telemetry::metrics::CallOutcome {
            tool: &self.tool,
            outcome: record.code.as_deref().unwrap_or("ok"),
            rule: record.rule.as_deref(),
            elapsed: self.started.elapsed(),
            rows: record.rows.and_then(|r| u64::try_from(r).ok()).unwrap_or(0),
            bytes: record
                .bytes
                .and_then(|b| u64::try_from(b).ok())
                .unwrap_or(0),
        });
    }

    /// The record of this call so far, with `decision`.
    fn record(&self, decision: Decision) -> AuditRecord {
        let mut r = AuditRecord::new(&self.id, self.transport, self.method, decision);
        r.time_ms =
            crate::audit::now_ms() - i64::try_from(self.started.elapsed().as_millis()).unwrap_or(0);
        r.client = self.client.clone();
        if let Some(p) = &self.principal {
            r.principal = Some(p.name.clone());
            r.role = Some(p.role.clone());
            r.token_id = p.token_id.clone();
        }
        r.tool = Some(self.tool.clone());
        r.database = self.database.clone();
        r.sql = self.sql.clone();
        r.governed_sql = self.governed_sql.clone();
        r.param_count = i64::try_from(self.param_count).unwrap_or(i64::MAX);
        r.params = self.params.clone();
        r.cached = self.cached.is_some();
        r.duration_us = i64::try_from(self.started.elapsed().as_micros()).unwrap_or(i64::MAX);
        r
    }

    fn error_record(&self, e: &ToolError) -> AuditRecord {
        let decision = match e {
            ToolError::Denied(_)
            | ToolError::Parse(_)
            | ToolError::Unauthorized(_)
            | ToolError::RateLimited { .. } => Decision::Deny,
            _ => Decision::Error,
        };
        let mut r = self.record(decision);
        r.code = Some(e.code().to_string());
        r.rule = e.rule().map(str::to_string);
        if let ToolError::Database { sqlstate, .. } = e {
            r.sqlstate = sqlstate.clone();
        }
        r
    }

    /// Record a request of `caller` that failed before its handler ran (unknown tool, invalid
    /// arguments): the dispatcher's record (a tool that runs opens and records its own).
    pub(crate) async fn refused(
        server: &Sqlwarden,
        caller: Caller,
        method: &'static str,
        name: &str,
        code: &str,
    ) {
        let r = Call::refusal(server, caller, method, name, code);
        // The reply is a protocol error either way; a lost record is counted by the auditor.
        let _ = server.state.auditor.record(r).await;
    }

    /// The record [`Call::refused`] writes, for a caller that writes it another way.
    pub(crate) fn refusal(
        server: &Sqlwarden,
        caller: Caller,
        method: &'static str,
        name: &str,
        code: &str,
    ) -> AuditRecord {
        let mut call = Call::with_caller(server, caller, method, name);
        call.finished = true;
        let mut r = call.record(Decision::Error);
        r.code = Some(code.to_string());
        call.metered(&r);
        r
    }
}

impl Drop for Call {
    /// A call dropped before `finish` was cancelled (the client went away or cancelled it).
    fn drop(&mut self) {
        if !self.finished {
            let e = ToolError::Cancelled;
            let record = self.error_record(&e);
            self.metered(&record);
            self.state.auditor.record_detached(record);
        }
    }
}

/// A database error caused by writing another dialect's SQL gets one hint line after the
/// database's own message (which stays as it was).
fn with_dialect_hint(e: ToolError, dialect: crate::dialect::Dialect) -> ToolError {
    match e {
        ToolError::Database { sqlstate, message } => {
            let message = match dialect.error_hint(sqlstate.as_deref(), &message) {
                Some(hint) => format!("{message}\nhint: {hint}"),
                None => message,
            };
            ToolError::Database { sqlstate, message }
        }
        other => other,
    }
}

/// The size of what the client gets: its text content.
fn result_bytes(r: &CallToolResult) -> i64 {
    let n: usize = r
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.len())
        .sum();
    i64::try_from(n).unwrap_or(i64::MAX)
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
