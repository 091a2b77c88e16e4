//! The audit trail: one record per request that reaches the server, durable before the reply
//! (`sync`) or queued without loss (`async`), chained by hash so an edit, deletion, insertion or
//! reordering is found by `sqlwarden audit verify`.
//!
//! Input: [`AuditRecord`]s from the MCP handler (`mcp::call`) and the HTTP layer (refusals that
//! never reach a tool). Output: rows in the governance store (`store/audit.rs`), one structured
//! log event per record, and the [`verify`] report.
//!
//! Must never record a secret: no tokens (only token ids), no passwords or connection strings,
//! and parameter values only when the operator turns `[audit] log_params` on.

mod bell;
mod budget;
mod chain;
mod writer;

use serde::Serialize;

pub use bell::{commit_when_idle, runtime_busy, runtime_idle};
pub use chain::{Chain, ChainError, GENESIS, KEY_ENV, Verified, verify};
pub use writer::{AuditError, Auditor};

/// `[audit]`: how records are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditConfig {
    pub durability: Durability,
    /// When the store cannot be written: refuse the call (`false`, the default) or answer it and
    /// count the lost record (`true`).
    pub fail_open: bool,
    /// Records that may wait for the writer (async); callers wait when it is full.
    pub queue: usize,
    /// Record parameter values (off: only their count).
    pub log_params: bool,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            durability: Durability::Sync,
            fail_open: false,
            queue: 10_000,
            log_params: false,
        }
    }
}

/// When a call's reply may be sent relative to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// After the record is committed to the store.
    Sync,
    /// At once; the record is queued (bounded, never dropped while the store works).
    Async,
    /// The structured log only, not the store: no chain, nothing for `audit tail/verify`. For
    /// deployments that ship logs elsewhere, and as the baseline of the audit benchmark.
    Log,
}

/// What became of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Deny,
    Error,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s.to_ascii_lowercase().as_str() {
            "allow" | "allowed" => Some(Decision::Allow),
            "deny" | "denied" => Some(Decision::Deny),
            "error" | "errors" | "failed" => Some(Decision::Error),
            _ => None,
        }
    }
}

/// One request, as recorded. Field order is the hashed order: never reorder, only append
/// (with a migration and a chain version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    /// Position in the chain; assigned by the writer.
    pub seq: i64,
    pub time_ms: i64,
    pub request_id: String,
    pub transport: String,
    pub client: Option<String>,
    pub principal: Option<String>,
    pub role: Option<String>,
    pub token_id: Option<String>,
    pub method: String,
    pub tool: Option<String>,
    #[sqlx(rename = "database_name")]
    pub database: Option<String>,
    #[sqlx(rename = "sql_text")]
    pub sql: Option<String>,
    pub governed_sql: Option<String>,
    pub param_count: i64,
    pub params: Option<String>,
    pub decision: String,
    pub rule: Option<String>,
    pub code: Option<String>,
    pub sqlstate: Option<String>,
    pub http_status: Option<i64>,
    #[sqlx(rename = "rows_returned")]
    pub rows: Option<i64>,
    pub bytes: Option<i64>,
    pub truncated: bool,
    pub cached: bool,
    pub duration_us: i64,
    /// The previous record's hash; assigned by the writer.
    pub prev_hash: String,
    /// This record's hash; assigned by the writer. Not part of what it covers.
    #[serde(skip_serializing)]
    pub hash: String,
}

impl AuditRecord {
    /// A record of `method` for request `request_id`, started now; the rest filled by the caller.
    pub fn new(request_id: &str, transport: &str, method: &str, decision: Decision) -> Self {
        AuditRecord {
            seq: 0,
            time_ms: now_ms(),
            request_id: request_id.to_string(),
            transport: transport.to_string(),
            client: None,
            principal: None,
            role: None,
            token_id: None,
            method: method.to_string(),
            tool: None,
            database: None,
            sql: None,
            governed_sql: None,
            param_count: 0,
            params: None,
            decision: decision.as_str().to_string(),
            rule: None,
            code: None,
            sqlstate: None,
            http_status: None,
            rows: None,
            bytes: None,
            truncated: false,
            cached: false,
            duration_us: 0,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// The record's time as RFC 3339 (UTC, milliseconds).
    pub fn time(&self) -> String {
        chrono::DateTime::from_timestamp_millis(self.time_ms)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default()
    }

    /// The export form: one flat JSON object (DESIGN.md's field names).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "seq": self.seq,
            "time": self.time(),
            "request_id": self.request_id,
            "transport": self.transport,
            "client": self.client,
            "principal": self.principal,
            "role": self.role,
            "token_id": self.token_id,
            "method": self.method,
            "tool": self.tool,
            "database": self.database,
            "sql": self.sql,
            "governed_sql": self.governed_sql,
            "param_count": self.param_count,
            "params": self.params,
            "decision": self.decision,
            "rule": self.rule,
            "code": self.code,
            "sqlstate": self.sqlstate,
            "http_status": self.http_status,
            "rows": self.rows,
            "bytes": self.bytes,
            "truncated": self.truncated,
            "cached": self.cached,
            "duration_ms": self.duration_us as f64 / 1000.0,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        })
    }

    /// Cut the fields a caller chooses to bounded lengths, so that a flood of huge tool
    /// names, URIs or refused statements cannot fill the store's disk (what is kept says how
    /// much was cut). Statements longer than the SQL length limit are refused anyway.
    /// NUL bytes, which PostgreSQL's `text` refuses (the whole batch's commit would fail), are
    /// written as `\u{0}` in every field.
    pub(crate) fn bound(&mut self) {
        for text in [
            &mut self.request_id,
            &mut self.transport,
            &mut self.method,
            &mut self.decision,
        ] {
            no_nul(text);
        }
        for text in [
            &mut self.client,
            &mut self.principal,
            &mut self.role,
            &mut self.token_id,
            &mut self.tool,
            &mut self.database,
            &mut self.sql,
            &mut self.governed_sql,
            &mut self.params,
            &mut self.rule,
            &mut self.code,
            &mut self.sqlstate,
        ]
        .into_iter()
        .flatten()
        {
            no_nul(text);
        }
        cut(&mut self.request_id, MAX_NAME_BYTES);
        for (field, max) in [
            (&mut self.tool, MAX_NAME_BYTES),
            (&mut self.database, MAX_NAME_BYTES),
            (&mut self.sql, MAX_SQL_BYTES),
            (&mut self.governed_sql, 2 * MAX_SQL_BYTES),
            (&mut self.params, MAX_PARAMS_BYTES),
        ] {
            if let Some(text) = field {
                cut(text, max);
            }
        }
    }

    /// Write the record to the structured log (target `audit`), for log shippers.
    pub(crate) fn log(&self) {
        let duration_ms = self.duration_us as f64 / 1000.0;
        fn o(v: &Option<String>) -> &str {
            v.as_deref().unwrap_or_default()
        }
        fn text(s: &str) -> Logged<'_> {
            Logged(printable(s, true))
        }
        tracing::info!(
            target: "audit",
            request_id = %text(&self.request_id),
            transport = %self.transport,
            client = %text(o(&self.client)),
            principal = %text(o(&self.principal)),
            role = %text(o(&self.role)),
            token_id = %text(o(&self.token_id)),
            method = %self.method,
            tool = %text(o(&self.tool)),
            database = %text(o(&self.database)),
            sql = %text(o(&self.sql)),
            governed_sql = %text(o(&self.governed_sql)),
            param_count = self.param_count,
            decision = %self.decision,
            rule = %o(&self.rule),
            code = %o(&self.code),
            sqlstate = %o(&self.sqlstate),
            http_status = self.http_status.unwrap_or(0),
            rows = self.rows.unwrap_or(0),
            bytes = self.bytes.unwrap_or(0),
            truncated = self.truncated,
            cached = self.cached,
            duration_ms,
            "request"
        );
    }
}

/// Longest kept tool or prompt name, resource URI, request id or database name (bytes).
const MAX_NAME_BYTES: usize = 256;
/// Longest kept SQL text (bytes); the governed SQL may be twice as long.
const MAX_SQL_BYTES: usize = 64 * 1024;
/// Longest kept parameter list (bytes; only with `log_params`).
const MAX_PARAMS_BYTES: usize = 16 * 1024;

fn no_nul(s: &mut String) {
    if s.contains('\0') {
        *s = s.replace('\0', "\\u{0}");
    }
}

/// Keep at most `max` bytes of `s` (on a character boundary), saying how many were cut.
fn cut(s: &mut String, max: usize) {
    if s.len() <= max {
        return;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let dropped = s.len() - end;
    s.truncate(end);
    s.push_str(&format!("…[{dropped} more bytes]"));
}

/// Whether the log is the text format, whose fields are `name=value` pairs: there, text a
/// caller chose is written in quotes, so `SELECT 1 principal=admin role=x` cannot pass for
/// fields of its own to a log shipper reading pairs (a red-team finding). JSON logs quote
/// every string already. Set once, when logging starts.
pub(crate) static QUOTE_LOGGED_TEXT: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Caller text in a log field: quoted (`"..."`, with `\"` and `\\`) in the text log.
struct Logged<'a>(std::borrow::Cow<'a, str>);

impl std::fmt::Display for Logged<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        if !QUOTE_LOGGED_TEXT.load(std::sync::atomic::Ordering::Relaxed) {
            return f.write_str(&self.0);
        }
        f.write_char('"')?;
        for c in self.0.chars() {
            if matches!(c, '"' | '\\') {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('"')
    }
}

/// Caller text made safe for a terminal: control characters (escape sequences, bells,
/// backspaces, ...) written as `\u{1b}`, so text a caller chose cannot clear the screen,
/// move the cursor or overwrite other records in `audit tail` or the log. With
/// `keep_breaks`, line breaks and tabs stay (the text log writes breaks as `\n` itself).
pub fn printable(s: &str, keep_breaks: bool) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| c.is_control() && !(keep_breaks && matches!(c, '\n' | '\r' | '\t'));
    if !s.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In the text log a caller's text is one quoted value: `principal=admin` inside the SQL
    /// stays inside the `sql` field.
    #[test]
    fn caller_text_is_quoted_in_the_text_log() {
        let sql = r#"SELECT 1 principal=admin role="x" \ end"#;
        QUOTE_LOGGED_TEXT.store(true, std::sync::atomic::Ordering::Relaxed);
        let quoted = Logged(printable(sql, true)).to_string();
        QUOTE_LOGGED_TEXT.store(false, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(quoted, r#""SELECT 1 principal=admin role=\"x\" \\ end""#);
        assert_eq!(Logged(printable(sql, true)).to_string(), sql);
    }
}
