//! `sqlwarden demo`: build the SQLite demo company on first run, then serve it.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use sqlwarden::auth::token::Tokens;
use sqlwarden::auth::{Authenticator, Principal};
use sqlwarden::config::Config;
use sqlwarden::http::HttpOptions;
use sqlwarden::mcp::Bundle;
use sqlwarden::store::Store;

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Serve Streamable HTTP at ADDR.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080",
        conflicts_with = "stdio"
    )]
    pub(crate) http: SocketAddr,
    /// Serve stdio instead of HTTP (for clients that launch the server).
    #[arg(long)]
    pub(crate) stdio: bool,
    /// Where the demo database lives (built if missing).
    #[arg(long, value_name = "FILE", env = "SQLWARDEN_DEMO_DB")]
    pub(crate) db: Option<PathBuf>,
    /// Rebuild the demo database even if it exists.
    #[arg(long)]
    pub(crate) rebuild: bool,
    /// Role to connect as: analyst, support or readonly_admin (see policies/).
    #[arg(long, default_value = "analyst")]
    pub(crate) role: String,
    /// Principal attribute k=v (repeatable); analyst and support read `region`.
    #[arg(long = "attr", value_parser = super::parse_attr, default_value = "region=north")]
    pub(crate) attrs: Vec<(String, String)>,
}

/// The demo database, built if missing (or when asked to rebuild).
pub(crate) async fn ensure_demo_db(
    path: Option<PathBuf>,
    rebuild: bool,
) -> anyhow::Result<PathBuf> {
    let path = path
        .or_else(|| std::env::var_os("SQLWARDEN_DEMO_DB").map(PathBuf::from))
        .unwrap_or_else(default_db_path);
    if rebuild || !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        }
        eprintln!(
            "sqlwarden demo: building the demo database at {} ...",
            path.display()
        );
        sqlwarden::db::build_demo_sqlite(&path).await?;
    }
    Ok(path)
}

pub(crate) fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("sqlwarden").join("demo.db")
}

pub(crate) async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let path = ensure_demo_db(args.db.clone(), args.rebuild).await?;
    let mut env = std::collections::BTreeMap::new();
    env.insert(
        "DATABASE_URL".to_string(),
        format!("sqlite://{}", path.display()),
    );
    let config = Config::from_parts(None, "<demo>", &env)?;
    let bundle = demo_bundle(config.limits)?;
    // The demo's governance store, beside its database: tokens and the audit trail.
    let store = Store::open(&format!("sqlite://{}", demo_store_path(&path).display())).await?;
    let auditor = sqlwarden::audit::Auditor::start(
        store.clone(),
        sqlwarden::audit::Chain::from_env(),
        config.audit,
    );
    let state =
        super::serve::connect(&config, bundle, None, &[args.role.as_str()], auditor).await?;
    let mut principal = Principal::new("demo", args.role.clone());
    principal.attrs = args.attrs.iter().cloned().collect();
    if args.stdio {
        return super::serve::serve_stdio(state, principal).await;
    }
    if !args.http.ip().is_loopback() {
        anyhow::bail!(
            "the demo serves loopback only (it has an unauthenticated default principal); use 127.0.0.1"
        );
    }
    let (tokens, demo_tokens) = demo_tokens(&path, store).await?;
    let opts = HttpOptions {
        addr: args.http,
        allowed_hosts: None,
        allowed_origins: vec![],
        // No credentials: the default principal above; a token: its own principal.
        auth: Arc::new(Authenticator::Tokens {
            tokens,
            anonymous: Some(Arc::new(principal.clone())),
        }),
        metrics: sqlwarden::telemetry::metrics::install(),
        trusted_proxies: vec![],
    };
    let timing = super::serve::Timing {
        drain_delay: config.drain_delay,
        shutdown_timeout: config.shutdown_timeout,
    };
    let own_db = args.db.is_some();
    super::serve::serve_http(state, opts, "token (demo)", timing, |addr| {
        print_connect_help(addr, &path, own_db, &principal);
        print_tokens(addr, &demo_tokens);
    })
    .await
}

/// One demo token as kept beside the demo database (the demo is loopback-only; a real
/// deployment never keeps secrets: `token create` shows them once).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct DemoToken {
    principal: String,
    role: String,
    attrs: std::collections::BTreeMap<String, String>,
    token: String,
}

/// Where the demo keeps its governance store: beside its database.
pub(crate) fn demo_store_path(db: &std::path::Path) -> PathBuf {
    db.with_file_name("demo-store.db")
}

/// The demo's tokens, made at first run.
async fn demo_tokens(
    db: &std::path::Path,
    store: Store,
) -> anyhow::Result<(Tokens, Vec<DemoToken>)> {
    let tokens = Tokens::new(store)?;
    let file = db.with_file_name("demo-tokens.json");
    if let Ok(text) = std::fs::read_to_string(&file)
        && let Ok(saved) = serde_json::from_str::<Vec<DemoToken>>(&text)
        && !saved.is_empty()
    {
        // Saved tokens stay usable only while the store still accepts them.
        let mut valid = true;
        for t in &saved {
            valid &= tokens.verify(&t.token).await.is_ok();
        }
        if valid {
            return Ok((tokens, saved));
        }
    }
    let mut made = Vec::new();
    for (principal, role, attrs) in [
        ("ana-south", "analyst", vec![("region", "south")]),
        ("sam-support", "support", vec![("region", "east")]),
        ("dba", "readonly_admin", vec![]),
    ] {
        let attrs: std::collections::BTreeMap<String, String> = attrs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (_, token) = tokens.create(principal, role, attrs.clone(), None).await?;
        made.push(DemoToken {
            principal: principal.into(),
            role: role.into(),
            attrs,
            token,
        });
    }
    write_private(&file, &serde_json::to_string_pretty(&made)?)?;
    Ok((tokens, made))
}

/// Write a file only its owner can read.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("write {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

fn print_tokens(addr: SocketAddr, tokens: &[DemoToken]) {
    let url = format!("http://{addr}/mcp");
    let mut out = String::from(
        "  Demo tokens (other principals; send one as `Authorization: Bearer <token>`):\n",
    );
    for t in tokens {
        let attrs: Vec<String> = t.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&format!(
            "\n    {} (role {}{}):\n      {}\n",
            t.principal,
            t.role,
            if attrs.is_empty() {
                String::new()
            } else {
                format!(", {}", attrs.join(", "))
            },
            t.token
        ));
    }
    if let Some(t) = tokens.first() {
        out.push_str(&format!(
            r#"
  With a token, e.g. {principal}:
    Claude Code:  claude mcp add --transport http sqlwarden-{principal} {url} --header "Authorization: Bearer {token}"
    Cursor:       {{ "mcpServers": {{ "sqlwarden": {{ "url": "{url}", "headers": {{ "Authorization": "Bearer {token}" }} }} }} }}
    Inspector:    npx @modelcontextprotocol/inspector --cli {url} --header "Authorization: Bearer {token}" --method tools/list
"#,
            principal = t.principal,
            token = t.token,
        ));
    }
    // Not println!: with stdout closed (`sqlwarden demo | head`) it would panic; the server
    // goes on serving whether or not its banner could be shown.
    let _ = writeln!(std::io::stdout(), "{out}");
}

/// The demo role policies, as shipped in `policies/`.
pub(crate) fn demo_policies() -> Vec<(String, String)> {
    [
        (
            "policies/analyst.toml",
            include_str!("../../policies/analyst.toml"),
        ),
        (
            "policies/support.toml",
            include_str!("../../policies/support.toml"),
        ),
        (
            "policies/readonly_admin.toml",
            include_str!("../../policies/readonly_admin.toml"),
        ),
    ]
    .iter()
    .map(|(f, t)| (f.to_string(), t.to_string()))
    .collect()
}

/// The demo query templates, as shipped in `policies/templates/`.
pub(crate) fn demo_templates() -> Vec<(String, String)> {
    [
        (
            "policies/templates/revenue_by_month.toml",
            include_str!("../../policies/templates/revenue_by_month.toml"),
        ),
        (
            "policies/templates/top_customers.toml",
            include_str!("../../policies/templates/top_customers.toml"),
        ),
        (
            "policies/templates/order_lines.toml",
            include_str!("../../policies/templates/order_lines.toml"),
        ),
    ]
    .iter()
    .map(|(f, t)| (f.to_string(), t.to_string()))
    .collect()
}

/// The demo prompt files, as shipped in `policies/prompts/`.
pub(crate) fn demo_prompts() -> Vec<(String, String)> {
    vec![(
        "policies/prompts/region_review.toml".to_string(),
        include_str!("../../policies/prompts/region_review.toml").to_string(),
    )]
}

/// The demo's policies, templates and prompts (embedded: the demo needs no files).
pub(crate) fn demo_bundle(limits: sqlwarden::policy::Limits) -> anyhow::Result<Bundle> {
    let policies = sqlwarden::policy::load_texts(&demo_policies(), limits)
        .map_err(|e| anyhow::anyhow!("demo policies:\n{e}"))?;
    let templates = sqlwarden::templates::load_texts(&demo_templates(), &policies)
        .map_err(|e| anyhow::anyhow!("demo templates:\n{e}"))?;
    let prompts = sqlwarden::prompts::load_texts(&demo_prompts(), &policies)
        .map_err(|e| anyhow::anyhow!("demo prompts:\n{e}"))?;
    Ok(Bundle {
        policies,
        templates,
        prompts,
    })
}

fn print_connect_help(
    addr: SocketAddr,
    path: &std::path::Path,
    own_db: bool,
    principal: &Principal,
) {
    let url = format!("http://{addr}/mcp");
    let exe = serde_json::to_string(
        &std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "sqlwarden".into()),
    )
    .unwrap_or_default();
    // The stdio server Claude Desktop launches must open the same database.
    let mut stdio_args = vec!["demo".to_string(), "--stdio".to_string()];
    if own_db {
        stdio_args.extend(["--db".to_string(), path.display().to_string()]);
    }
    let stdio_args = serde_json::to_string(&stdio_args).unwrap_or_default();
    // `audit tail` finds the default demo's store by itself; another one is named for it.
    let tail = if own_db && *path != default_db_path() {
        let store = demo_store_path(path);
        let url = format!(
            "sqlite://{}",
            std::path::absolute(&store).unwrap_or(store).display()
        );
        format!(
            "SQLWARDEN_STORE_URL='{}' sqlwarden audit tail -f",
            url.replace('\'', r"'\''")
        )
    } else {
        "sqlwarden audit tail -f".to_string()
    };
    let help = format!(
        r#"
sqlwarden demo: a SQLite company database ({path}) served over MCP, read-only and governed.

  MCP endpoint (Streamable HTTP):  {url}

  Claude Code:     claude mcp add --transport http sqlwarden {url}
  Cursor (~/.cursor/mcp.json):
    {{ "mcpServers": {{ "sqlwarden": {{ "url": "{url}" }} }} }}
  Claude Desktop (claude_desktop_config.json, launches its own stdio server):
    {{ "mcpServers": {{ "sqlwarden": {{ "command": {exe}, "args": {stdio_args} }} }} }}
  MCP Inspector:   npx @modelcontextprotocol/inspector --cli {url} --method tools/list

    You are connected as role `{role}`{attrs}: policies/{role}.toml decides which tables,
  columns and rows you see. Try `--role readonly_admin` to see everything, or
  `--role support --attr region=south`.

  Tools: list_tables, describe_table, query, explain_query, and the DBA's templates
  (revenue_by_month, top_customers, order_lines) for the roles that may run them. Prompts:
  ask_data, explain_table, review_sql, region_review. Resources: schema://main/<table>.
  Try asking:
  "What were our top 5 products by revenue in 2025?"

  Audit trail (every call, allowed or refused), from another terminal:
    {tail}

Press Ctrl-C to stop.
"#,
        path = path.display(),
        role = principal.role,
        attrs = if principal.attrs.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                principal
                    .attrs
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    );
    // Not println!: with stdout closed (`sqlwarden demo | head`) it would panic; the server
    // goes on serving whether or not its banner could be shown.
    let _ = writeln!(std::io::stdout(), "{help}");
}
