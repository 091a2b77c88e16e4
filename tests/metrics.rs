//! `/metrics`: after a few real calls over HTTP (token auth, demo SQLite, demo policies plus a
//! rate-limited role), the Prometheus text shows calls by tool and outcome, denials by rule,
//! latency histograms, rows and bytes, token verifications (argon2 once, then cached),
//! rate-limit refusals, pools, breakers and the audit writer, with bounded labels: no SQL, no
//! principal, no token, and a caller-chosen tool name is `other`.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;

use common::mcp::{call, error_code, try_call};

/// One sample line: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("a sample line");
            let value: f64 = value.parse().expect("a number");
            let (name, labels) = match series.split_once('{') {
                Some((n, rest)) => {
                    let inner = rest.strip_suffix('}').expect("closing brace");
                    let labels = inner
                        .split("\",")
                        .filter(|p| !p.is_empty())
                        .map(|p| {
                            let (k, v) = p.split_once("=\"").expect("k=\"v\"");
                            (k.to_string(), v.trim_end_matches('"').to_string())
                        })
                        .collect();
                    (n.to_string(), labels)
                }
                None => (series.to_string(), BTreeMap::new()),
            };
            (name, labels, value)
        })
        .collect()
}

/// The value of `name` whose labels include `labels` (0 when absent).
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| v)
        .sum()
}

fn token(config: &Path, role: &str) -> String {
    let out = Command::new(common::bin())
        .arg("--config")
        .arg(config)
        .args([
            "token",
            "create",
            "--role",
            role,
            "--principal",
            "alice-secret-name",
        ])
        .args(["--attr", "region=north", "--json"])
        .output()
        .expect("token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["token"].as_str().expect("token").to_string()
}

async fn client(url: &str, token: &str) -> common::mcp::Client {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_string()).auth_header(token),
    );
    ().serve(transport).await.expect("initialize")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_the_calls_with_bounded_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(&policies).expect("policies dir");
    for f in ["analyst.toml", "support.toml", "readonly_admin.toml"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("policies")
            .join(f);
        std::fs::copy(from, policies.join(f)).expect("copy policy");
    }
    std::fs::write(
        policies.join("limited.toml"),
        "role = \"limited\"\n[limits]\nrate_per_minute = 2\n[tables.products]\n",
    )
    .expect("write policy");
    let cfg = common::mcp::config_file(
        dir.path(),
        &common::sqlite_url(&common::sqlite_demo()),
        &format!(
            "[server]\nauth = \"token\"\n[policies]\ndir = \"{}\"\n",
            policies.display()
        ),
    );
    let server = common::mcp::http_server(&cfg).await;
    let analyst_token = token(&cfg, "analyst");
    let analyst = client(&server.url, &analyst_token).await;

    let ok = call(
        &analyst,
        "query",
        json!({"sql": "SELECT id, region FROM orders"}),
    )
    .await;
    assert_eq!(ok.is_error, Some(false));
    let rows = ok.structured_content.as_ref().expect("structured")["row_count"]
        .as_f64()
        .expect("row_count");
    let denied = call(
        &analyst,
        "query",
        json!({"sql": "SELECT email FROM customers"}),
    )
    .await;
    assert_eq!(error_code(&denied).as_deref(), Some("policy_denied"));
    call(&analyst, "list_tables", json!({})).await;
    let unknown = try_call(&analyst, "drop_everything_now", json!({})).await;
    assert!(unknown.is_err(), "unknown tool is a protocol error");

    let limited = client(&server.url, &token(&cfg, "limited")).await;
    let mut refused = 0;
    for _ in 0..4 {
        let r = call(
            &limited,
            "query",
            json!({"sql": "SELECT name FROM products"}),
        )
        .await;
        if error_code(&r).as_deref() == Some("rate_limited") {
            refused += 1;
        }
    }
    assert_eq!(refused, 2, "two calls a minute, four asked");

    let text = common::process::body(&format!("{}/metrics", server.base)).await;
    let m = parse(&text);
    let v = |name: &str, labels: &[(&str, &str)]| value(&m, name, labels);

    assert_eq!(
        v(
            "sqlwarden_calls_total",
            &[("tool", "query"), ("outcome", "ok")]
        ),
        3.0
    );
    assert_eq!(
        v(
            "sqlwarden_calls_total",
            &[("tool", "query"), ("outcome", "policy_denied")]
        ),
        1.0
    );
    assert_eq!(
        v(
            "sqlwarden_calls_total",
            &[("tool", "query"), ("outcome", "rate_limited")]
        ),
        2.0
    );
    assert_eq!(
        v(
            "sqlwarden_calls_total",
            &[("tool", "list_tables"), ("outcome", "ok")]
        ),
        1.0
    );
    assert_eq!(
        v("sqlwarden_calls_total", &[("tool", "other")]),
        1.0,
        "a caller-chosen tool name is counted as `other`: {text}"
    );
    assert_eq!(
        v("sqlwarden_denials_total", &[("rule", "column_hidden")]),
        1.0
    );
    assert_eq!(
        v("sqlwarden_limit_refusals_total", &[("kind", "rate")]),
        2.0
    );
    assert_eq!(
        v(
            "sqlwarden_call_duration_seconds_count",
            &[("tool", "query")]
        ),
        6.0,
        "every query call is in the latency histogram"
    );
    assert_eq!(
        v(
            "sqlwarden_call_duration_seconds_bucket",
            &[("tool", "query"), ("le", "+Inf")]
        ),
        6.0
    );
    assert!(v("sqlwarden_rows_returned_total", &[("tool", "query")]) >= rows);
    assert!(v("sqlwarden_result_bytes_total", &[("tool", "query")]) > 0.0);
    // Two principals: one argon2 verification each, every later call from the cache.
    assert_eq!(
        v("sqlwarden_token_verifications_total", &[("path", "argon2")]),
        2.0
    );
    assert!(v("sqlwarden_token_verifications_total", &[("path", "cached")]) >= 6.0);
    assert!(
        v("sqlwarden_audit_records_written_total", &[]) >= 8.0,
        "{text}"
    );
    assert_eq!(v("sqlwarden_audit_records_lost_total", &[]), 0.0);
    assert!(v("sqlwarden_audit_commit_seconds_count", &[]) >= 1.0);
    assert_eq!(
        v("sqlwarden_pool_max_connections", &[("database", "main")]),
        8.0
    );
    assert!(v("sqlwarden_pool_connections", &[("database", "main")]) >= 1.0);
    assert_eq!(
        v("sqlwarden_pool_connections_in_use", &[("database", "main")]),
        0.0
    );
    assert_eq!(v("sqlwarden_breaker_state", &[("database", "main")]), 0.0);
    assert_eq!(v("sqlwarden_ready", &[]), 1.0);
    assert!(text.contains("sqlwarden_cache_lookups_total{result=\"hit\"}"));
    assert!(text.contains("# TYPE sqlwarden_call_duration_seconds histogram"));

    // Bounded labels: only these keys, and nothing the caller chose or that identifies them.
    let allowed_keys = [
        "tool", "outcome", "rule", "kind", "path", "result", "database", "le",
    ];
    for (name, labels, _) in &m {
        for (k, val) in labels {
            assert!(allowed_keys.contains(&k.as_str()), "{name}: label {k}");
            for leak in [
                "alice",
                "SELECT",
                "customers",
                "drop_everything",
                "swd_",
                "region",
            ] {
                assert!(!val.contains(leak), "{name}{{{k}=\"{val}\"}} leaks {leak}");
            }
        }
    }
    assert!(
        !text.contains(&analyst_token),
        "the token is not in /metrics"
    );
}
