//! DBA query templates as tools: listed only to the roles that may run them, arguments checked
//! and bound (never spliced), and governed for the caller's role, so a template never reads
//! what its caller could not. The real binary over stdio and HTTP, SQLite demo and PostgreSQL.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};

use common::mcp::{
    Client, call, config_file, http_client, http_server, said, stdio, text, try_call,
};
use serde_json::{Value, json};

fn demo_policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

/// A stdio client over the SQLite demo with the policy directory `policies`.
async fn client_as(dir: &Path, policies: &Path, args: &[&str]) -> Client {
    let extra = format!("[policies]\ndir = \"{}\"\n", policies.display());
    let config = config_file(dir, &common::sqlite_url(&common::sqlite_demo()), &extra);
    stdio(&config, args).await
}

async fn tool_names(client: &Client) -> Vec<String> {
    let mut names: Vec<String> = client
        .list_all_tools()
        .await
        .expect("tools/list")
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    names
}

/// A copy of the demo policies plus extra template files, in `dir/policies`.
fn policies_with(dir: &Path, templates: &[(&str, &str)]) -> PathBuf {
    let out = dir.join("policies");
    for sub in ["", "templates", "prompts"] {
        std::fs::create_dir_all(out.join(sub)).expect("mkdir");
        let from = demo_policies().join(sub);
        for e in std::fs::read_dir(&from).expect("read policies").flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), out.join(sub).join(e.file_name())).expect("copy");
            }
        }
    }
    for (name, text) in templates {
        std::fs::write(out.join("templates").join(name), text).expect("write template");
    }
    out
}

const CUSTOMERS_OF_SEGMENT: &str = r#"
name = "segment_customers"
description = "Every column of the customers of one segment."
roles = ["analyst", "readonly_admin"]
sql = "SELECT * FROM customers WHERE segment = :segment ORDER BY id"
[params.segment]
type = "string"
max_length = 40
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_listed_only_to_the_roles_that_may_run_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let core = ["describe_table", "explain_query", "list_tables", "query"];
    for (args, templates) in [
        (
            &["--role", "analyst", "--attr", "region=north"][..],
            &["order_lines", "revenue_by_month", "top_customers"][..],
        ),
        (
            &["--role", "support", "--attr", "region=east"][..],
            &["order_lines", "top_customers"][..],
        ),
        (
            &["--role", "readonly_admin"][..],
            &["order_lines", "revenue_by_month", "top_customers"][..],
        ),
    ] {
        let client = client_as(dir.path(), &demo_policies(), args).await;
        let mut want: Vec<String> = core
            .iter()
            .chain(templates)
            .map(|s| s.to_string())
            .collect();
        want.sort();
        assert_eq!(tool_names(&client).await, want, "{args:?}");
        client.cancel().await.expect("close");
    }

    // The support role neither sees nor can call the analyst's template.
    let client = client_as(
        dir.path(),
        &demo_policies(),
        &["--role", "support", "--attr", "region=east"],
    )
    .await;
    let r = try_call(
        &client,
        "revenue_by_month",
        json!({"from": "2025-01-01", "to": "2025-02-01"}),
    )
    .await;
    // ...and the refusal is the one for a tool that does not exist at all
    let none = try_call(&client, "no_such_tool", json!({})).await;
    assert!(r.is_err() && none.is_err(), "{}", said(&r));
    assert_eq!(
        said(&r).replace("revenue_by_month", "X"),
        said(&none).replace("no_such_tool", "X")
    );
    assert!(!said(&r).contains("revenue"), "{}", said(&r));
    client.cancel().await.expect("close");

    // A template's tool: read-only, a precise input schema, the query output schema.
    let client = client_as(
        dir.path(),
        &demo_policies(),
        &["--role", "analyst", "--attr", "region=north"],
    )
    .await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let top = tools
        .iter()
        .find(|t| t.name == "top_customers")
        .expect("top_customers");
    assert_eq!(
        top.annotations.as_ref().and_then(|a| a.read_only_hint),
        Some(true)
    );
    assert!(top.output_schema.is_some());
    let schema = serde_json::to_value(&*top.input_schema).expect("schema");
    assert_eq!(
        schema["properties"]["segment"]["enum"],
        json!(["consumer", "smb", "enterprise"])
    );
    assert_eq!(schema["properties"]["top"]["type"], "integer");
    assert_eq!(schema["properties"]["top"]["minimum"], 1);
    assert_eq!(schema["properties"]["top"]["maximum"], 50);
    assert_eq!(schema["properties"]["top"]["default"], 10);
    assert_eq!(schema["required"], json!(["segment"]));
    let listing = serde_json::to_string(&tools).expect("json");
    assert!(!listing.contains("\"type\":["), "{listing}");
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_are_checked_with_clear_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = client_as(
        dir.path(),
        &demo_policies(),
        &["--role", "analyst", "--attr", "region=north"],
    )
    .await;
    for (tool, args, expect) in [
        (
            "top_customers",
            json!({"segment": "smb", "top": 500}),
            "argument `top` is 500, out of range; expected an integer from 1 to 50",
        ),
        (
            "top_customers",
            json!({"segment": "smb", "top": "5"}),
            "argument `top` is the string \"5\"",
        ),
        (
            "top_customers",
            json!({"top": 5}),
            "missing required argument `segment` (one of consumer, smb, enterprise",
        ),
        (
            "top_customers",
            json!({"segment": "smb' OR '1'='1"}),
            "argument `segment` is \"smb' OR '1'='1\"; expected one of consumer, smb, enterprise",
        ),
        (
            "top_customers",
            json!({"segment": "smb", "limit": 3}),
            "unknown argument `limit`; top_customers takes: segment, top",
        ),
        (
            "revenue_by_month",
            json!({"from": "2025-13-01", "to": "2026-01-01"}),
            "argument `from` is \"2025-13-01\", not a date",
        ),
        (
            "revenue_by_month",
            json!({"from": "1999-01-01", "to": "2026-01-01"}),
            "out of range; expected a date YYYY-MM-DD from 2000-01-01 to 2100-12-31",
        ),
        (
            "order_lines",
            json!({"order_id": 0}),
            "argument `order_id` is 0, out of range",
        ),
    ] {
        let r = try_call(&client, tool, args.clone()).await;
        assert!(r.is_err(), "{tool} {args}: {}", said(&r));
        assert!(said(&r).contains(expect), "{tool} {args}: {}", said(&r));
    }
    // The connection is fine afterwards, and a good call runs.
    let r = call(
        &client,
        "top_customers",
        json!({"segment": "smb", "top": 3}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert_eq!(r.structured_content.as_ref().expect("sc")["row_count"], 3);
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_cache_ttl_decides_instead_of_the_roles() {
    let dir = tempfile::tempdir().expect("tempdir");
    // support has no cache_ttl: its own queries are never cached
    let support = client_as(
        dir.path(),
        &demo_policies(),
        &["--role", "support", "--attr", "region=south"],
    )
    .await;
    let cached = |r: &rmcp::model::CallToolResult| {
        assert_eq!(r.is_error, Some(false), "{}", text(r));
        r.structured_content.as_ref().expect("sc")["cached"].clone()
    };
    // top_customers says cache_ttl = "5m": its second call is served from the cache
    let args = json!({"segment": "smb", "top": 3});
    let first = call(&support, "top_customers", args.clone()).await;
    assert_eq!(cached(&first), json!(false));
    let second = call(&support, "top_customers", args).await;
    assert_eq!(cached(&second), json!(true), "{}", text(&second));
    assert_eq!(
        first.structured_content.as_ref().expect("sc")["rows"],
        second.structured_content.as_ref().expect("sc")["rows"]
    );
    // order_lines has none: the role decides (no cache)
    for _ in 0..2 {
        let r = call(&support, "order_lines", json!({"order_id": 1})).await;
        assert_eq!(cached(&r), json!(false));
    }
    support.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_runs_under_the_callers_row_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = json!({"from": "2025-01-01", "to": "2025-04-01"});
    // analyst of region north: only north's revenue
    let analyst = client_as(
        dir.path(),
        &demo_policies(),
        &["--role", "analyst", "--attr", "region=north"],
    )
    .await;
    let r = call(&analyst, "revenue_by_month", args.clone()).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let rows = r.structured_content.as_ref().expect("sc")["rows"].clone();
    assert_eq!(rows.as_array().map(Vec::len), Some(3), "{rows}");
    assert_eq!(rows[0][0], "2025-01");
    analyst.cancel().await.expect("close");
    // the administrator's view of the same months, north only, agrees; all regions do not
    let admin = client_as(dir.path(), &demo_policies(), &["--role", "readonly_admin"]).await;
    let r = call(&admin, "query", json!({"sql": "SELECT month, orders, revenue FROM monthly_sales WHERE region = 'north' AND month BETWEEN '2025-01' AND '2025-03' ORDER BY month"})).await;
    let north = r.structured_content.as_ref().expect("sc")["rows"].clone();
    for i in 0..3 {
        assert_eq!(rows[i][1], north[i][1], "orders of {}", rows[i][0]);
        let (a, b) = (as_f64(&rows[i][2]), as_f64(&north[i][2]));
        assert!(
            (a - b).abs() < 0.011,
            "revenue of {}: {a} vs {b}",
            rows[i][0]
        );
    }
    let r = call(&admin, "revenue_by_month", args).await;
    let all = r.structured_content.as_ref().expect("sc")["rows"].clone();
    assert!(
        as_f64(&all[0][2]) > as_f64(&rows[0][2]) * 2.0,
        "{all} vs {rows}"
    );
    admin.cancel().await.expect("close");
}

fn as_f64(v: &Value) -> f64 {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_cannot_read_what_the_role_cannot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = policies_with(
        dir.path(),
        &[("segment_customers.toml", CUSTOMERS_OF_SEGMENT)],
    );
    // `SELECT *` through a template: the analyst's columns and region only
    let analyst = client_as(
        dir.path(),
        &policies,
        &["--role", "analyst", "--attr", "region=north"],
    )
    .await;
    let r = call(&analyst, "segment_customers", json!({"segment": "smb"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let sc = r.structured_content.as_ref().expect("sc");
    let columns: Vec<&str> = sc["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for hidden in ["email", "phone", "national_id", "birth_date"] {
        assert!(!columns.contains(&hidden), "{columns:?}");
    }
    let region = columns
        .iter()
        .position(|c| *c == "region")
        .expect("region column");
    let rows = sc["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[region] == "north"), "{rows:?}");
    assert!(!text(&r).contains('@'), "{}", text(&r));
    // the value is bound, not spliced: a quote is just a segment that does not exist
    let r = call(
        &analyst,
        "segment_customers",
        json!({"segment": "smb' OR '1'='1"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert_eq!(r.structured_content.as_ref().expect("sc")["row_count"], 0);
    analyst.cancel().await.expect("close");
    // the administrator sees the personal columns through the same template
    let admin = client_as(dir.path(), &policies, &["--role", "readonly_admin"]).await;
    let r = call(&admin, "segment_customers", json!({"segment": "smb"})).await;
    assert!(text(&r).contains('@'), "{}", text(&r));
    admin.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_check_refuses_a_template_that_reaches_past_a_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let leak = "name = \"leak\"\ndescription = \"x\"\nroles = [\"analyst\", \"support\"]\nsql = \"\"\"\nSELECT name, email FROM customers\nWHERE segment = :segment\"\"\"\n[params.segment]\ntype = \"string\"\n";
    let typo = "name = \"typo\"\ndescription = \"x\"\nroles = [\"analist\"]\nsql = \"SELECT id FROM orders WHERE id = :order\"\n[params.id]\ntype = \"integer\"\n";
    let policies = policies_with(dir.path(), &[("leak.toml", leak)]);
    let config = config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let out = std::process::Command::new(common::bin())
        .args(["--config"])
        .arg(&config)
        .args(["policy", "check"])
        .arg(&policies)
        .output()
        .expect("run policy check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("templates/leak.toml:5:1: error: template leak for role analyst in database main: column customers.email does not exist or is not visible to role analyst"), "{err}");
    // support may see email: only the analyst is named
    assert!(!err.contains("role support"), "{err}");
    // file-only mistakes: line, column and a did-you-mean
    std::fs::remove_file(policies.join("templates/leak.toml")).expect("rm");
    std::fs::write(policies.join("templates/typo.toml"), typo).expect("write");
    let out = std::process::Command::new(common::bin())
        .args(["policy", "check", "--offline"])
        .arg(&policies)
        .output()
        .expect("run policy check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("typo.toml:3:10: error: unknown role `analist`")
            && err.contains("did you mean `analyst`?"),
        "{err}"
    );
    assert!(
        err.contains("typo.toml:4:41: error: placeholder `:order` has no parameter"),
        "{err}"
    );
    assert!(
        err.contains("typo.toml:5:9: error: parameter `id` is not used in the SQL"),
        "{err}"
    );
    // the demo's own templates pass
    let out = std::process::Command::new(common::bin())
        .args(["--config"])
        .arg(&config)
        .args(["policy", "check"])
        .arg(demo_policies())
        .output()
        .expect("run policy check");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("3 template(s), 1 prompt file(s), checked against the database"),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_templates_bind_typed_parameters_under_the_role() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = policies_with(
        dir.path(),
        &[("segment_customers.toml", CUSTOMERS_OF_SEGMENT)],
    );
    let extra = format!(
        "[policies]\ndir = \"{}\"\n[server]\nrole = \"analyst\"\nattrs = {{ region = \"south\" }}\n",
        policies.display()
    );
    let config = config_file(dir.path(), &cluster.url(&name), &extra);
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;
    // dates bound as text become dates in PostgreSQL; the row filter still applies
    let r = call(
        &client,
        "revenue_by_month",
        json!({"from": "2025-01-01", "to": "2025-03-01"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let rows = r.structured_content.as_ref().expect("sc")["rows"].clone();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
    let south: Vec<String> = cluster.query_text(
        &name,
        "SELECT count(DISTINCT o.id)::text FROM orders o WHERE o.region = 'south' AND o.status NOT IN ('cancelled','returned') AND o.ordered_at >= '2025-01-01' AND o.ordered_at < '2025-02-01'",
    );
    assert_eq!(rows[0][1].to_string(), south[0], "{rows}");
    let r = call(
        &client,
        "segment_customers",
        json!({"segment": "enterprise"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert!(!text(&r).contains('@'), "{}", text(&r));
    let r = call(&client, "order_lines", json!({"order_id": 1})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    client.cancel().await.expect("close");
}
