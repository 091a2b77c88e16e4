//! `sqlwarden demo`: build the SQLite demo company on first run, then serve it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use sqlwarden::config::Config;
use sqlwarden::http::HttpOptions;
use sqlwarden::policy::Principal;

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
}

fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("sqlwarden").join("demo.db")
}

pub(crate) async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let path = args.db.clone().unwrap_or_else(default_db_path);
    if args.rebuild || !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        }
        eprintln!(
            "sqlwarden demo: building the demo database at {} ...",
            path.display()
        );
        sqlwarden::db::build_demo_sqlite(&path).await?;
    }
    let mut env = std::collections::BTreeMap::new();
    env.insert(
        "DATABASE_URL".to_string(),
        format!("sqlite://{}", path.display()),
    );
    let config = Config::from_parts(None, "<demo>", &env)?;
    let state = super::serve::connect(&config).await?;
    if args.stdio {
        return super::serve::serve_stdio(state, Principal::new("demo", "default")).await;
    }
    print_connect_help(args.http, &path);
    let opts = HttpOptions {
        addr: args.http,
        allowed_hosts: None,
        allowed_origins: vec![],
        principal: Arc::new(Principal::new("demo", "default")),
    };
    super::serve::serve_http(state, opts, false).await
}

fn print_connect_help(addr: SocketAddr, path: &std::path::Path) {
    let url = format!("http://{addr}/mcp");
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "sqlwarden".into());
    let help = format!(
        r#"
sqlwarden demo: a SQLite company database ({path}) served over MCP, read-only and governed.

  MCP endpoint (Streamable HTTP):  {url}

  Claude Code:     claude mcp add --transport http sqlwarden {url}
  Cursor (~/.cursor/mcp.json):
    {{ "mcpServers": {{ "sqlwarden": {{ "url": "{url}" }} }} }}
  Claude Desktop (claude_desktop_config.json, launches its own stdio server):
    {{ "mcpServers": {{ "sqlwarden": {{ "command": "{exe}", "args": ["demo", "--stdio"] }} }} }}
  MCP Inspector:   npx @modelcontextprotocol/inspector --cli {url} --method tools/list

  Tools: list_tables, describe_table, query, explain_query. Try asking:
  "Which region had the highest revenue in 2025?"

Press Ctrl-C to stop.
"#,
        path = path.display()
    );
    #[allow(clippy::print_stdout)]
    {
        println!("{help}");
    }
}
