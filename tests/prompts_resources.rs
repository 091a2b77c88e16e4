//! Prompts, completion and schema resources, each trimmed to the caller's role; reload of
//! policy, template and prompt files without a restart (a bad file keeps the old set and says
//! why; a good one is swapped in and stdio sessions are told to list again). The real binary
//! over stdio with rmcp's client, on the SQLite demo.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::mcp::{Client, call, config_file, stdio, text};
use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};
use rmcp::service::{NotificationContext, RoleClient, RunningService};
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{ClientHandler, ServiceExt, object};
use serde_json::json;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;

const ANALYST: &[&str] = &["--role", "analyst", "--attr", "region=north"];
const SUPPORT: &[&str] = &["--role", "support", "--attr", "region=east"];
const ADMIN: &[&str] = &["--role", "readonly_admin"];

fn demo_policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

async fn client_as(dir: &Path, args: &[&str]) -> Client {
    let extra = format!("[policies]\ndir = \"{}\"\n", demo_policies().display());
    let config = config_file(dir, &common::sqlite_url(&common::sqlite_demo()), &extra);
    stdio(&config, args).await
}

/// The audit trail of the server configured in `dir` (replies wait for their record).
fn audit(dir: &Path) -> Vec<serde_json::Value> {
    common::mcp::audit_records(&dir.join("sqlwarden.toml"))
}

/// The records of `method` for `name`, as (decision, rule).
fn recorded(records: &[serde_json::Value], method: &str, name: &str) -> Vec<(String, String)> {
    records
        .iter()
        .filter(|r| r["method"] == method && r["tool"] == name)
        .map(|r| {
            (
                r["decision"].as_str().unwrap_or("").to_string(),
                r["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn prompt(client: &Client, name: &str, args: serde_json::Value) -> Result<String, String> {
    let args = match args {
        serde_json::Value::Object(m) => m,
        _ => object!({}),
    };
    client
        .get_prompt(GetPromptRequestParams::new(name).with_arguments(args))
        .await
        .map(|r| {
            r.messages
                .iter()
                .filter_map(|m| serde_json::to_value(&m.content).ok())
                .filter_map(|c| c["text"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .map_err(|e| e.to_string())
}

async fn read(client: &Client, uri: &str) -> Result<String, String> {
    client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .map(|r| {
            r.contents
                .iter()
                .map(|c| match c {
                    ResourceContents::TextResourceContents { text, .. } => text.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_show_only_what_the_role_may_see() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyst = client_as(dir.path(), ANALYST).await;
    let names: Vec<String> = analyst
        .list_all_prompts()
        .await
        .expect("prompts/list")
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(
        names,
        ["ask_data", "explain_table", "review_sql", "region_review"]
    );

    // the business-question helper: the analyst's tables and columns, its templates
    let t = prompt(
        &analyst,
        "ask_data",
        json!({"question": "Which city buys most?"}),
    )
    .await
    .expect("ask_data");
    assert!(t.contains("Which city buys most?"), "{t}");
    assert!(t.contains("customers(id integer, name text, region text, city text, segment text, created_at text) -- rows limited for your role"), "{t}");
    assert!(t.contains("revenue_by_month:"), "{t}");
    for hidden in [
        "email",
        "phone",
        "national_id",
        "birth_date",
        "cost",
        "employees",
        "salary",
    ] {
        assert!(!t.contains(hidden), "{hidden} in {t}");
    }
    // explain a table: describe_table's view; a hidden table is "not granted", like a missing one
    let t = prompt(&analyst, "explain_table", json!({"table": "customers"}))
        .await
        .expect("explain_table");
    assert!(
        t.contains("main.customers (table)") && !t.contains("email"),
        "{t}"
    );
    let hidden = prompt(&analyst, "explain_table", json!({"table": "employees"}))
        .await
        .expect_err("employees is hidden");
    let missing = prompt(&analyst, "explain_table", json!({"table": "no_such"}))
        .await
        .expect_err("no such table");
    assert!(
        hidden.contains("table employees does not exist or is not granted to role analyst"),
        "{hidden}"
    );
    assert!(
        missing.contains("table no_such does not exist or is not granted to role analyst"),
        "{missing}"
    );
    // review a statement: the refusal and its rule, or the governed rewrite and the plan
    let t = prompt(
        &analyst,
        "review_sql",
        json!({"sql": "SELECT email FROM customers"}),
    )
    .await
    .expect("review_sql");
    assert!(
        t.contains("refused for your role (policy_denied, rule column_hidden)"),
        "{t}"
    );
    let t = prompt(
        &analyst,
        "review_sql",
        json!({"sql": "SELECT city, count(*) FROM customers GROUP BY city"}),
    )
    .await
    .expect("review_sql");
    // The analyst's rewrite would spell out its row filter: not shown.
    assert!(
        t.contains("allowed for your role")
            && t.contains("not shown: your role's row filters")
            && !t.contains("region = ?"),
        "{t}"
    );
    assert!(
        t.contains("The database's plan:\n") && t.contains("customers"),
        "{t}"
    );
    // a DBA prompt file: arguments and the role's schema filled in
    let t = prompt(&analyst, "region_review", json!({"month": "2025-03"}))
        .await
        .expect("region_review");
    assert!(
        t.contains("review for 2025-03")
            && t.contains("if any: (none))")
            && t.contains("orders(")
            && !t.contains("email"),
        "{t}"
    );
    let e = prompt(&analyst, "region_review", json!({}))
        .await
        .expect_err("month is required");
    assert!(
        e.contains("prompt region_review needs the argument `month`"),
        "{e}"
    );
    analyst.cancel().await.expect("close");
    // one record per prompts/get; a refusal explained in a prompt is recorded as a denial
    let records = audit(dir.path());
    let review = recorded(&records, "prompts/get", "review_sql");
    assert_eq!(review.len(), 2, "{review:?}");
    assert!(
        review.contains(&("deny".into(), "column_hidden".into())),
        "{review:?}"
    );
    assert_eq!(
        recorded(&records, "prompts/get", "ask_data"),
        [("allow".to_string(), String::new())]
    );
    assert_eq!(
        recorded(&records, "prompts/get", "region_review"),
        [
            ("allow".to_string(), String::new()),
            ("error".to_string(), String::new())
        ]
    );
    let explain = recorded(&records, "prompts/get", "explain_table");
    assert_eq!(
        explain.iter().filter(|(d, _)| d == "deny").count(),
        2,
        "{explain:?}"
    );

    // support has no region_review; the administrator sees what the analyst does not
    let support = client_as(dir.path(), SUPPORT).await;
    let names: Vec<String> = support
        .list_all_prompts()
        .await
        .expect("prompts/list")
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["ask_data", "explain_table", "review_sql"]);
    let e = prompt(&support, "region_review", json!({"month": "2025-03"}))
        .await
        .expect_err("not for support");
    assert!(e.contains("unknown prompt region_review"), "{e}");
    support.cancel().await.expect("close");
    let admin = client_as(dir.path(), ADMIN).await;
    let t = prompt(&admin, "ask_data", json!({"question": "q"}))
        .await
        .expect("ask_data");
    assert!(t.contains("employees(") && t.contains("email text"), "{t}");
    admin.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_only_role_visible_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyst = client_as(dir.path(), ANALYST).await;
    let tables = analyst
        .complete_prompt_simple("explain_table", "table", "")
        .await
        .expect("complete");
    assert_eq!(tables, ["customers", "order_lines", "orders", "products"]);
    let tables = analyst
        .complete_prompt_simple("explain_table", "table", "e")
        .await
        .expect("complete");
    assert!(tables.is_empty(), "{tables:?}");
    let tables = analyst
        .complete_resource_simple("schema://{database}/{table}", "table", "ORD")
        .await
        .expect("complete");
    assert_eq!(tables, ["order_lines", "orders"]);
    // a DBA prompt's argument declared `complete = "table"`
    let tables = analyst
        .complete_prompt_simple("region_review", "focus", "o")
        .await
        .expect("complete");
    assert_eq!(tables, ["order_lines", "orders"]);
    let dbs = analyst
        .complete_resource_simple("schema://{database}/{table}", "database", "")
        .await
        .expect("complete");
    assert_eq!(dbs, ["main"]);
    analyst.cancel().await.expect("close");
    let admin = client_as(dir.path(), ADMIN).await;
    let tables = admin
        .complete_prompt_simple("explain_table", "table", "e")
        .await
        .expect("complete");
    assert_eq!(tables, ["employees"]);
    admin.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_resources_list_and_read_as_the_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyst = client_as(dir.path(), ANALYST).await;
    let uris: Vec<String> = analyst
        .list_all_resources()
        .await
        .expect("resources/list")
        .iter()
        .map(|r| r.uri.clone())
        .collect();
    assert_eq!(
        uris,
        [
            "schema://main/customers",
            "schema://main/order_lines",
            "schema://main/orders",
            "schema://main/products",
            "template://order_lines",
            "template://revenue_by_month",
            "template://top_customers",
        ]
    );
    let templates = analyst
        .list_all_resource_templates()
        .await
        .expect("templates/list");
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].uri_template, "schema://{database}/{table}");
    // a read is describe_table's text for the role
    let t = read(&analyst, "schema://main/customers")
        .await
        .expect("read");
    let described = text(&call(&analyst, "describe_table", json!({"table": "customers"})).await);
    assert_eq!(t, described);
    assert!(!t.contains("email") && t.contains("segment"), "{t}");
    let t = read(&analyst, "schema://main/products")
        .await
        .expect("read");
    assert!(!t.contains("cost"), "{t}");
    let e = read(&analyst, "schema://main/employees")
        .await
        .expect_err("hidden");
    assert!(
        e.contains("table employees does not exist or is not granted to role analyst"),
        "{e}"
    );
    let e = read(&analyst, "schema://other/customers")
        .await
        .expect_err("no such database");
    assert!(e.contains("database other is not configured"), "{e}");
    let records = audit(dir.path());
    assert_eq!(
        recorded(&records, "resources/read", "schema://main/employees"),
        [("deny".to_string(), "table_not_granted".to_string())]
    );
    assert_eq!(
        recorded(&records, "resources/read", "schema://main/customers").len(),
        1
    );
    let e = read(&analyst, "file:///etc/passwd")
        .await
        .expect_err("not ours");
    assert!(e.contains("unknown resource"), "{e}");
    // A huge name is not sent back whole.
    for uri in [
        format!("file:///{}", "a".repeat(300_000)),
        format!("schema://main/{}", "a".repeat(300_000)),
    ] {
        let e = read(&analyst, &uri).await.expect_err("no such resource");
        assert!(
            e.len() < 1_000 && e.contains("(300"),
            "{}",
            &e[..e.len().min(2_000)]
        );
    }
    let t = read(&analyst, "template://top_customers")
        .await
        .expect("read template");
    assert!(
        t.contains("param :segment one of consumer, smb, enterprise, required")
            && t.contains("LIMIT :top"),
        "{t}"
    );
    analyst.cancel().await.expect("close");
    // support: no revenue_by_month resource either
    let support = client_as(dir.path(), SUPPORT).await;
    let e = read(&support, "template://revenue_by_month")
        .await
        .expect_err("not for support");
    assert!(e.contains("no template revenue_by_month"), "{e}");
    support.cancel().await.expect("close");
    // every read has its one record, refused ones included
    let records = audit(dir.path());
    let one = |uri: &str| recorded(&records, "resources/read", uri);
    assert_eq!(
        one("template://top_customers"),
        [("allow".to_string(), String::new())]
    );
    assert_eq!(
        one("template://revenue_by_month"),
        [("error".to_string(), String::new())]
    );
    assert_eq!(
        one("file:///etc/passwd"),
        [("error".to_string(), String::new())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_http_prompts_resources_and_completion_follow_the_role() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = format!(
        "[policies]\ndir = \"{}\"\n[server]\nrole = \"analyst\"\nattrs = {{ region = \"south\" }}\n",
        demo_policies().display()
    );
    let config = config_file(dir.path(), &cluster.url(&name), &extra);
    let server = common::mcp::http_server(&config).await;
    let client = common::mcp::http_client(&server.url).await;
    let uris: Vec<String> = client
        .list_all_resources()
        .await
        .expect("resources/list")
        .iter()
        .map(|r| r.uri.clone())
        .collect();
    assert!(
        uris.contains(&"schema://main/customers".to_string()),
        "{uris:?}"
    );
    assert!(!uris.iter().any(|u| u.contains("employees")), "{uris:?}");
    let t = read(&client, "schema://main/customers")
        .await
        .expect("read");
    assert!(
        t.contains("public.customers (table)") && !t.contains("email"),
        "{t}"
    );
    let t = prompt(&client, "ask_data", json!({"question": "q"}))
        .await
        .expect("ask_data");
    assert!(t.contains("database main (PostgreSQL"), "{t}");
    assert!(
        t.contains("customers(id integer") && !t.contains("national_id"),
        "{t}"
    );
    let tables = client
        .complete_prompt_simple("explain_table", "table", "")
        .await
        .expect("complete");
    assert_eq!(tables, ["customers", "order_lines", "orders", "products"]);
    let t = prompt(
        &client,
        "review_sql",
        json!({"sql": "SELECT id FROM orders WHERE id = 1"}),
    )
    .await
    .expect("review_sql");
    // The rewrite would spell out the row filter: not shown to a restricted role.
    assert!(
        t.contains("allowed for your role")
            && t.contains("not shown: your role's row filters")
            && !t.contains("region = $"),
        "{t}"
    );
    client.cancel().await.expect("close");
}

/// A client that reports list_changed notifications.
#[derive(Clone)]
struct Watcher(mpsc::UnboundedSender<&'static str>);

impl ClientHandler for Watcher {
    async fn on_tool_list_changed(&self, _: NotificationContext<RoleClient>) {
        let _ = self.0.send("tools");
    }
    async fn on_prompt_list_changed(&self, _: NotificationContext<RoleClient>) {
        let _ = self.0.send("prompts");
    }
}

/// Whether `what` list_changed arrives within 10 s. rmcp's client runs each notification's
/// handler as a task of its own, so the server's tools, prompts, resources order may reach the
/// watcher in any order.
async fn notified(changed: &mut mpsc::UnboundedReceiver<&'static str>, what: &str) -> bool {
    let wait = async {
        while let Some(got) = changed.recv().await {
            if got == what {
                return true;
            }
        }
        false
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or(false)
}

/// `serve` over stdio with a copy of the demo policies; the client, its notifications, the
/// server's pid and its stderr lines.
async fn reloadable(
    dir: &Path,
    extra_args: &[&str],
) -> (
    RunningService<RoleClient, Watcher>,
    mpsc::UnboundedReceiver<&'static str>,
    u32,
    mpsc::UnboundedReceiver<String>,
    PathBuf,
) {
    let policies = dir.join("policies");
    for sub in ["", "templates", "prompts"] {
        std::fs::create_dir_all(policies.join(sub)).expect("mkdir");
        for e in std::fs::read_dir(demo_policies().join(sub))
            .expect("read")
            .flatten()
        {
            if e.path().is_file() {
                std::fs::copy(e.path(), policies.join(sub).join(e.file_name())).expect("copy");
            }
        }
    }
    let extra = format!("[policies]\ndir = \"{}\"\n", policies.display());
    let config = config_file(dir, &common::sqlite_url(&common::sqlite_demo()), &extra);
    let args: Vec<String> = [
        "serve",
        "--config",
        &config.display().to_string(),
        "--role",
        "analyst",
        "--attr",
        "region=north",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(extra_args.iter().map(|s| s.to_string()))
    .collect();
    let (transport, stderr) =
        TokioChildProcess::builder(tokio::process::Command::new(common::bin()).configure(|c| {
            c.args(&args).env("RUST_LOG", "info");
        }))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = transport.id().expect("pid");
    let (log_tx, log_rx) = mpsc::unbounded_channel();
    if let Some(stderr) = stderr {
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(l)) = lines.next_line().await {
                let _ = log_tx.send(l);
            }
        });
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let client = Watcher(tx).serve(transport).await.expect("initialize");
    (client, rx, pid, log_rx, policies)
}

/// `tools/call` from the watching client.
async fn wcall(
    client: &RunningService<RoleClient, Watcher>,
    tool: &str,
    args: serde_json::Value,
) -> rmcp::model::CallToolResult {
    let args = match args {
        serde_json::Value::Object(m) => m,
        _ => object!({}),
    };
    client
        .call_tool(rmcp::model::CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .expect("tools/call")
}

fn hangup(pid: u32) {
    let ok = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

/// Wait for a log line containing `needle`.
async fn logged(logs: &mut mpsc::UnboundedReceiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(l) = logs.recv().await {
            let hit = l.contains(needle);
            seen.push(l);
            if hit {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "no log line with {needle:?} in {seen:#?}");
    seen
}

const NEW_TEMPLATE: &str = "name = \"city_count\"\ndescription = \"Customers per city.\"\nroles = [\"analyst\"]\nsql = \"SELECT city, count(*) AS n FROM customers WHERE segment = :segment GROUP BY city ORDER BY city\"\n[params.segment]\ntype = \"string\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_a_good_set_and_keeps_the_old_one_on_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, mut changed, pid, mut logs, policies) = reloadable(dir.path(), &[]).await;
    let names = |c: &RunningService<RoleClient, Watcher>| {
        let c = c.peer().clone();
        async move {
            let mut n: Vec<String> = c
                .list_all_tools()
                .await
                .expect("tools/list")
                .iter()
                .map(|t| t.name.to_string())
                .collect();
            n.sort();
            n
        }
    };
    assert!(!names(&client).await.contains(&"city_count".to_string()));

    // a bad set: a template reading a column the analyst may not see, and a broken policy
    std::fs::write(
        policies.join("templates/leak.toml"),
        NEW_TEMPLATE
            .replace("city_count", "leak")
            .replace("SELECT city", "SELECT email AS city"),
    )
    .expect("write");
    hangup(pid);
    logged(&mut logs, "reload refused").await;
    let why = logged(
        &mut logs,
        "column customers.email does not exist or is not visible to role analyst",
    )
    .await;
    assert!(
        why.iter().any(|l| l.contains("templates/leak.toml:4:")),
        "{why:#?}"
    );
    assert!(!names(&client).await.contains(&"leak".to_string()));
    let r = wcall(
        &client,
        "top_customers",
        json!({"segment": "smb", "top": 2}),
    )
    .await;
    assert_eq!(
        r.is_error,
        Some(false),
        "the old set still serves: {}",
        text(&r)
    );
    std::fs::remove_file(policies.join("templates/leak.toml")).expect("rm");

    // a good set: a new template, and a lower row cap for the analyst
    std::fs::write(policies.join("templates/city_count.toml"), NEW_TEMPLATE).expect("write");
    let analyst = std::fs::read_to_string(policies.join("analyst.toml")).expect("read");
    std::fs::write(
        policies.join("analyst.toml"),
        analyst.replace("max_rows = 500", "max_rows = 2"),
    )
    .expect("write");
    hangup(pid);
    logged(&mut logs, "policies, templates and prompts reloaded").await;
    assert!(
        notified(&mut changed, "tools").await,
        "list_changed after a reload"
    );
    assert!(names(&client).await.contains(&"city_count".to_string()));
    let r = wcall(&client, "city_count", json!({"segment": "smb"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let r = wcall(
        &client,
        "query",
        json!({"sql": "SELECT name FROM products"}),
    )
    .await;
    let sc = r.structured_content.as_ref().expect("sc");
    assert_eq!(
        (sc["row_count"].clone(), sc["truncated"].clone()),
        (json!(2), json!(true)),
        "{}",
        text(&r)
    );
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reloads_when_a_file_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, mut changed, _pid, mut logs, policies) =
        reloadable(dir.path(), &["--watch"]).await;
    std::fs::write(policies.join("templates/city_count.toml"), NEW_TEMPLATE).expect("write");
    logged(&mut logs, "policies, templates and prompts reloaded").await;
    assert!(notified(&mut changed, "tools").await, "tools/list_changed");
    let r = wcall(&client, "city_count", json!({"segment": "smb"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    client.cancel().await.expect("close");
}

/// A schema read the server cannot answer now (here: over the role's rate limit) says so with
/// its code, rather than calling the table no resource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_refused_for_now_is_not_called_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    std::fs::write(
        policies.join("limited.toml"),
        "role = \"limited\"\n[limits]\nrate_per_minute = 1\n[tables.\"*\"]\n",
    )
    .expect("policy");
    let extra = format!("[policies]\ndir = \"{}\"\n", policies.display());
    let config = config_file(
        dir.path(),
        &common::sqlite_url(&common::sqlite_demo()),
        &extra,
    );
    let client = stdio(&config, &["--role", "limited"]).await;
    assert!(read(&client, "schema://main/orders").await.is_ok());
    let err = client
        .read_resource(ReadResourceRequestParams::new("schema://main/orders"))
        .await
        .expect_err("over the rate");
    let text = format!("{err:?}");
    assert!(text.contains("rate_limited"), "{text}");
    assert!(!text.contains("-32002"), "not 'resource not found': {text}");
    let missing = client
        .read_resource(ReadResourceRequestParams::new("schema://main/nope"))
        .await
        .expect_err("no such table");
    assert!(
        format!("{missing:?}").contains("-32002")
            || format!("{missing:?}").contains("ResourceNotFound")
            || format!("{missing:?}").contains("rate_limited"),
        "{missing:?}"
    );
    client.cancel().await.expect("close");
}
