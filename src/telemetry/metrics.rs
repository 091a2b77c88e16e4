//! Metrics: every name, label and bucket sqlwarden exports, in one place, and the Prometheus
//! text rendering that `GET /metrics` serves.
//!
//! Input: events from the request path (a call finished, a token verified, a batch committed)
//! through the small functions below, and, at scrape time, the shared state's gauges (pools,
//! breakers, audit queue). Output: Prometheus text format (`metrics` facade with
//! `metrics-exporter-prometheus`, rendered to a string; no listener of its own).
//!
//! Labels are bounded by construction: tool names come from the tool router (a refused call's
//! name, which the caller chose, becomes `other`), outcomes are the stable error codes, rules are
//! the stable rule ids, databases come from the configuration. Never a principal, a token, a
//! SQL text or a client address. Without an installed recorder every call here is a no-op.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{
    Counter, Histogram, counter, describe_counter, describe_gauge, describe_histogram, gauge,
    histogram,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::mcp::AppState;

/// Calls by tool and outcome (`ok` or the error code).
pub const CALLS: &str = "sqlwarden_calls_total";
/// Denials by rule id.
pub const DENIALS: &str = "sqlwarden_denials_total";
/// Call latency by tool, seconds.
pub const CALL_SECONDS: &str = "sqlwarden_call_duration_seconds";
/// Rows and bytes of the replies, by tool.
pub const ROWS: &str = "sqlwarden_rows_returned_total";
pub const BYTES: &str = "sqlwarden_result_bytes_total";
/// Result cache lookups by result (`hit`, `miss`).
pub const CACHE: &str = "sqlwarden_cache_lookups_total";
/// Calls running now (held from the request record's opening to its closing).
pub const IN_FLIGHT: &str = "sqlwarden_calls_in_flight";
/// Calls refused by abuse control, by kind (`rate`, `concurrency`, `breaker`).
pub const LIMIT_REFUSALS: &str = "sqlwarden_limit_refusals_total";
/// Pool figures per database.
pub const POOL_MAX: &str = "sqlwarden_pool_max_connections";
pub const POOL_SIZE: &str = "sqlwarden_pool_connections";
pub const POOL_IN_USE: &str = "sqlwarden_pool_connections_in_use";
pub const POOL_WAITING: &str = "sqlwarden_pool_waiting";
/// PostgreSQL sessions checked at checkout (a ping), and found lost, per database.
pub const POOL_CHECKS: &str = "sqlwarden_pool_session_checks_total";
pub const POOL_LOST: &str = "sqlwarden_pool_sessions_lost_total";
/// Breaker state per database: 0 closed, 1 open, 2 half-open (one probe let through).
pub const BREAKER: &str = "sqlwarden_breaker_state";
/// Audit writer figures.
pub const AUDIT_QUEUE: &str = "sqlwarden_audit_queue_depth";
pub const AUDIT_COMMIT_SECONDS: &str = "sqlwarden_audit_commit_seconds";
pub const AUDIT_RECORDS: &str = "sqlwarden_audit_records_written_total";
pub const AUDIT_LOST: &str = "sqlwarden_audit_records_lost_total";
/// Refusals of a blocked address answered without a record of their own.
pub const AUDIT_UNRECORDED: &str = "sqlwarden_audit_refusals_unrecorded_total";
/// Records whose SQL text was cut to its principal's per-minute budget.
pub const AUDIT_TEXT_CUT: &str = "sqlwarden_audit_text_cut_total";
/// Bearer token verifications by path (`cached`, `argon2`).
pub const TOKEN_VERIFICATIONS: &str = "sqlwarden_token_verifications_total";
/// 1 while the server accepts new work, 0 once it is draining for shutdown.
pub const READY: &str = "sqlwarden_ready";

/// Latency buckets (seconds): sub-millisecond cache hits up to statement timeouts.
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The tools whose names may appear as a label; anything else is `other`.
const TOOLS: &[&str] = &["query", "list_tables", "describe_table", "explain_query"];

/// Install the process-wide recorder once and return the handle that renders it (`None` if a
/// recorder was already installed by someone else). Registers every series with a zero value,
/// so a scrape shows the whole set before the first call.
pub fn install() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(SECONDS_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            let _ = TOOL_SERIES.set(
                TOOLS
                    .iter()
                    .chain(&["other"])
                    .map(|tool| ToolSeries::of(tool))
                    .collect(),
            );
            Some(handle)
        })
        .clone()
}

fn describe() {
    describe_counter!(
        CALLS,
        "Tool calls by tool and outcome (ok or the error code)."
    );
    describe_counter!(
        AUDIT_UNRECORDED,
        "Refusals of an address blocked for failed authentications that got no audit record (one a second per address is recorded)."
    );
    describe_counter!(
        AUDIT_TEXT_CUT,
        "Audit records whose SQL text was cut to 1 KiB: their principal had sent more than 8 MiB of it in a minute."
    );
    describe_counter!(DENIALS, "Policy denials by rule id.");
    describe_histogram!(CALL_SECONDS, metrics::Unit::Seconds, "Tool call latency.");
    describe_counter!(ROWS, "Rows returned to clients.");
    describe_counter!(BYTES, "Bytes of result text returned to clients.");
    describe_counter!(CACHE, "Result cache lookups by result (hit, miss).");
    describe_gauge!(IN_FLIGHT, "Tool calls running now.");
    describe_counter!(
        LIMIT_REFUSALS,
        "Calls refused by abuse control (rate, concurrency, breaker); per replica."
    );
    describe_gauge!(POOL_MAX, "Connection pool size limit per database.");
    describe_gauge!(POOL_SIZE, "Connections open per database.");
    describe_gauge!(POOL_IN_USE, "Connections checked out per database.");
    describe_gauge!(POOL_WAITING, "Calls waiting for a connection per database.");
    describe_counter!(
        POOL_CHECKS,
        "PostgreSQL sessions pinged at checkout (those not used in the last second)."
    );
    describe_counter!(
        POOL_LOST,
        "PostgreSQL sessions found ended by the server or the network."
    );
    describe_gauge!(BREAKER, "Circuit breaker: 0 closed, 1 open, 2 half-open.");
    describe_gauge!(AUDIT_QUEUE, "Audit records queued for the writer.");
    describe_histogram!(
        AUDIT_COMMIT_SECONDS,
        metrics::Unit::Seconds,
        "Audit batch commit latency."
    );
    describe_counter!(AUDIT_RECORDS, "Audit records committed to the store.");
    describe_counter!(AUDIT_LOST, "Audit records lost to store failures.");
    describe_counter!(
        TOKEN_VERIFICATIONS,
        "Bearer token verifications by path (cached, argon2)."
    );
    describe_gauge!(READY, "1 while accepting work, 0 while draining.");
    for result in ["hit", "miss"] {
        counter!(CACHE, "result" => result).absolute(0);
    }
    for path in ["cached", "argon2"] {
        counter!(TOKEN_VERIFICATIONS, "path" => path).absolute(0);
    }
    for kind in ["rate", "concurrency", "breaker"] {
        counter!(LIMIT_REFUSALS, "kind" => kind).absolute(0);
    }
    counter!(AUDIT_RECORDS).absolute(0);
    counter!(AUDIT_UNRECORDED).absolute(0);
    counter!(AUDIT_TEXT_CUT).absolute(0);
}

/// A tool's name as a label: one of the known tools, else `other`.
fn tool_label(tool: &str) -> &'static str {
    TOOLS
        .iter()
        .find(|t| **t == tool)
        .copied()
        .unwrap_or("other")
}

/// A tool's series that every call touches, registered once: looking a labelled series up
/// through the macros copies its key (labels and all) on every call.
struct ToolSeries {
    ok: Counter,
    seconds: Histogram,
    rows: Counter,
    bytes: Counter,
}

impl ToolSeries {
    fn of(tool: &'static str) -> ToolSeries {
        ToolSeries {
            ok: counter!(CALLS, "tool" => tool, "outcome" => "ok"),
            seconds: histogram!(CALL_SECONDS, "tool" => tool),
            rows: counter!(ROWS, "tool" => tool),
            bytes: counter!(BYTES, "tool" => tool),
        }
    }
}

/// Per tool of `TOOLS`, then `other`; set by [`install`] with sqlwarden's own recorder.
static TOOL_SERIES: OnceLock<Vec<ToolSeries>> = OnceLock::new();

/// What the request path reports when a call ends.
#[derive(Debug, Clone, Copy)]
pub struct CallOutcome<'a> {
    pub tool: &'a str,
    /// `ok`, or the stable error code (a fixed set: `ToolError::code` and the dispatcher's).
    pub outcome: &'a str,
    /// The denial rule id, when the outcome is `policy_denied` (a fixed set: `sql::Rule`).
    pub rule: Option<&'a str>,
    pub elapsed: Duration,
    pub rows: u64,
    pub bytes: u64,
}

/// One call finished (the one function the call path calls).
pub fn call_finished(c: CallOutcome<'_>) {
    let tool = tool_label(c.tool);
    if let Some(rule) = c.rule {
        counter!(DENIALS, "rule" => rule.to_string()).increment(1);
    }
    let index = TOOLS.iter().position(|t| *t == tool).unwrap_or(TOOLS.len());
    let Some(series) = TOOL_SERIES.get().and_then(|all| all.get(index)) else {
        // Another recorder (or none): the macros find the series each time.
        counter!(CALLS, "tool" => tool, "outcome" => c.outcome.to_string()).increment(1);
        histogram!(CALL_SECONDS, "tool" => tool).record(c.elapsed.as_secs_f64());
        counter!(ROWS, "tool" => tool).increment(c.rows);
        counter!(BYTES, "tool" => tool).increment(c.bytes);
        return;
    };
    if c.outcome == "ok" {
        series.ok.increment(1);
    } else {
        counter!(CALLS, "tool" => tool, "outcome" => c.outcome.to_string()).increment(1);
    }
    series.seconds.record(c.elapsed.as_secs_f64());
    series.rows.increment(c.rows);
    series.bytes.increment(c.bytes);
}

/// A result cache lookup (fed by the result cache).
pub fn cache_lookup(hit: bool) {
    counter!(CACHE, "result" => if hit { "hit" } else { "miss" }).increment(1);
}

/// Abuse control refused a call (`rate`, `concurrency`, `breaker`).
pub fn limit_refused(kind: &'static str) {
    counter!(LIMIT_REFUSALS, "kind" => kind).increment(1);
}

/// A bearer token was verified from the cache, or with argon2.
pub fn token_verified(cached: bool) {
    counter!(TOKEN_VERIFICATIONS, "path" => if cached { "cached" } else { "argon2" }).increment(1);
}

/// A refusal was not recorded: a blocked address refused again within a second of its last
/// recorded refusal, or a refusal nobody authenticated over its address's or the overall
/// budget (see `http::refusals::Guard`).
pub fn refusal_unrecorded() {
    counter!(AUDIT_UNRECORDED).increment(1);
}

/// An audit record's SQL text was cut to its principal's budget (see `audit::budget`).
pub fn audit_text_cut() {
    counter!(AUDIT_TEXT_CUT).increment(1);
}

/// An audit batch of `records` was committed in `elapsed`.
pub fn audit_committed(records: usize, elapsed: Duration) {
    histogram!(AUDIT_COMMIT_SECONDS).record(elapsed.as_secs_f64());
    counter!(AUDIT_RECORDS).increment(records as u64);
}

/// The text `GET /metrics` serves: gauges read from `state` now, then every series.
pub fn render(handle: &PrometheusHandle, state: &AppState) -> String {
    for db in &state.databases {
        let name = db.name.clone();
        let s = db.pool_status();
        gauge!(POOL_MAX, "database" => name.clone()).set(s.max_size as f64);
        gauge!(POOL_SIZE, "database" => name.clone()).set(s.size as f64);
        gauge!(POOL_IN_USE, "database" => name.clone())
            .set(s.size.saturating_sub(s.available) as f64);
        gauge!(POOL_WAITING, "database" => name.clone()).set(s.waiting as f64);
        if let Some((checks, lost)) = db.session_checks() {
            counter!(POOL_CHECKS, "database" => name.clone()).absolute(checks);
            counter!(POOL_LOST, "database" => name.clone()).absolute(lost);
        }
        if let Some(b) = state.breakers.get(&db.name) {
            gauge!(BREAKER, "database" => name).set(f64::from(b.state_code()));
        }
    }
    gauge!(AUDIT_QUEUE).set(state.auditor.queue_depth() as f64);
    counter!(AUDIT_LOST).absolute(state.auditor.lost());
    gauge!(IN_FLIGHT).set(state.lifecycle.in_flight() as f64);
    gauge!(READY).set(if state.lifecycle.is_draining() {
        0.0
    } else {
        1.0
    });
    handle.run_upkeep();
    handle.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_chosen_tool_names_are_not_labels() {
        assert_eq!(tool_label("query"), "query");
        assert_eq!(tool_label("drop_everything_xyz"), "other");
    }
}
