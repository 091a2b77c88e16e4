//! `sqlwarden serve`: load config, connect databases, serve stdio or HTTP.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Args;
use rmcp::ServiceExt;
use tokio_util::sync::CancellationToken;

use sqlwarden::audit::{Auditor, Chain};
use sqlwarden::auth::token::{AuthError, Tokens};
use sqlwarden::auth::{Authenticator, Principal};
use sqlwarden::config::{AuthMode, Config};
use sqlwarden::db::{Database, DatabaseOptions};
use sqlwarden::http::HttpOptions;
use sqlwarden::mcp::{AppState, Sqlwarden};
use sqlwarden::policy::PolicySet;
use sqlwarden::store::Store;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Serve Streamable HTTP at ADDR (e.g. 127.0.0.1:8080) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub(crate) http: Option<SocketAddr>,
    /// Serve stdio even if the config names an HTTP address.
    #[arg(long, conflicts_with = "http")]
    pub(crate) stdio: bool,
    /// Role of the stdio principal (a role defined in the policy files).
    #[arg(long, env = "SQLWARDEN_ROLE", default_value = "default")]
    pub(crate) role: String,
    /// Principal attribute k=v (repeatable).
    #[arg(long = "attr", value_parser = super::parse_attr)]
    pub(crate) attrs: Vec<(String, String)>,
    /// Listen on a non-loopback address although there is no authentication yet.
    #[arg(long)]
    pub(crate) unsafe_no_auth: bool,
}

pub(crate) async fn run(config_path: Option<&Path>, args: ServeArgs) -> anyhow::Result<()> {
    let config = Config::load(config_path)?;
    let http = if args.stdio {
        None
    } else {
        args.http.or(config.http)
    };
    // The governance store: the audit trail always, tokens when callers present them.
    let store = super::token::open_store(config_path).await?;
    let auditor = Auditor::start(store.clone(), Chain::from_env(), config.audit);
    // stdio: the principal is fixed at start, from a token or from --role/--attr.
    let principal = match std::env::var("SQLWARDEN_TOKEN") {
        Ok(token) if http.is_none() && !token.is_empty() => {
            let tokens = Tokens::new(store.clone())?;
            match tokens.verify(token.trim()).await {
                Ok(p) => p,
                Err(AuthError::Invalid) => bail!(
                    "SQLWARDEN_TOKEN is not a valid token (unknown, malformed, expired or revoked)"
                ),
                Err(AuthError::Unavailable(e)) => {
                    return Err(anyhow::Error::new(e).context("checking SQLWARDEN_TOKEN"));
                }
            }
        }
        _ => {
            let mut p = Principal::new("stdio", args.role.clone());
            p.attrs = args.attrs.iter().cloned().collect();
            p
        }
    };
    let policies = load_policies(&config)?;
    // The roles fixed at start must exist; token and OAuth principals' roles are checked per call.
    let roles_in_use: Vec<&str> = match (http.is_some(), &config.auth) {
        (false, _) => vec![principal.role.as_str()],
        (true, AuthMode::None) => vec![config.http_role.as_str()],
        (true, _) => vec![],
    };
    let state = connect(&config, policies, &roles_in_use, auditor).await?;
    match http {
        None => serve_stdio(state, principal).await,
        Some(addr) => {
            let auth = authenticator(&config, store, addr, args.unsafe_no_auth).await?;
            let opts = HttpOptions {
                addr,
                allowed_hosts: config.allowed_hosts.clone(),
                allowed_origins: config.allowed_origins.clone(),
                auth: Arc::new(auth),
            };
            serve_http(state, opts).await
        }
    }
}

/// How HTTP callers will be identified, from `[server] auth`.
async fn authenticator(
    config: &Config,
    store: Store,
    addr: SocketAddr,
    unsafe_no_auth: bool,
) -> anyhow::Result<Authenticator> {
    match &config.auth {
        AuthMode::None => {
            if !addr.ip().is_loopback() && !unsafe_no_auth {
                bail!(
                    "refusing to listen on non-loopback address {addr} without authentication \
                     ([server] auth = \"none\"); use auth = \"token\" or \"oauth\", bind 127.0.0.1, \
                     or pass --unsafe-no-auth behind an authenticating proxy"
                );
            }
            let mut principal =
                Principal::new(config.http_principal.clone(), config.http_role.clone());
            principal.attrs = config.http_attrs.clone();
            Ok(Authenticator::None(Arc::new(principal)))
        }
        AuthMode::OAuth(o) => Ok(Authenticator::OAuth(Box::new(
            sqlwarden::auth::oauth::OAuthVerifier::from_config(o).await?,
        ))),
        AuthMode::Token => {
            let tokens = Tokens::new(store)?;
            Ok(Authenticator::Tokens {
                tokens,
                anonymous: None,
            })
        }
    }
}

/// Load the role policies the configuration names (or the built-in `default` role).
pub(crate) fn load_policies(config: &Config) -> anyhow::Result<PolicySet> {
    match &config.policies_dir {
        None => Ok(PolicySet::builtin(config.limits)),
        Some(dir) => sqlwarden::policy::load_dir(dir, config.limits)
            .map_err(|e| anyhow::anyhow!("invalid policies:\n{e}")),
    }
}

/// Connect every configured database, compile every role against it, and build the shared
/// state. Policy errors (unknown tables or columns, bad row filters) refuse the start.
pub(crate) async fn connect(
    config: &Config,
    policies: PolicySet,
    roles_in_use: &[&str],
    auditor: Auditor,
) -> anyhow::Result<Arc<AppState>> {
    let policies = Arc::new(policies);
    for role in roles_in_use {
        if policies.get(role).is_none() {
            let known: Vec<&str> = policies.roles.keys().map(String::as_str).collect();
            bail!(
                "role `{role}` is not defined; defined roles: {}",
                known.join(", ")
            );
        }
    }
    let mut databases = Vec::new();
    let mut errors = Vec::new();
    let mut unmatched: Vec<Vec<(String, sqlwarden::diag::Diagnostic)>> = Vec::new();
    let mut any_reachable = false;
    for d in &config.databases {
        let opts = DatabaseOptions {
            name: d.name.clone(),
            url: d.url.clone(),
            schemas: d.schemas.clone(),
            max_connections: d.max_connections,
            statement_timeout: d.statement_timeout,
            connect_timeout: std::time::Duration::from_secs(10),
        };
        let db = Database::connect(&opts, policies.clone())
            .await
            .with_context(|| format!("database {}", d.name))?;
        for warning in sqlwarden::db::inspect_login(&db).await {
            tracing::warn!(database = %d.name, "{warning}");
        }
        let schema = db.schema.load();
        if !schema.catalog.is_empty() {
            any_reachable = true;
            errors.extend(schema.errors.iter().map(|e| e.to_string()));
            unmatched.push(schema.unmatched.clone());
        }
        tracing::info!(database = %d.name, dialect = db.dialect.name(), tables = schema.catalog.len(), "database ready");
        databases.push(Arc::new(db));
    }
    // A rule naming a table that no reachable database has is a mistake (a typo, usually).
    if let Some((first, rest)) = unmatched.split_first() {
        for (key, diag) in first {
            if rest.iter().all(|u| u.iter().any(|(k, _)| k == key)) {
                errors.push(diag.to_string());
            }
        }
    }
    for db in &databases {
        errors.extend(dry_run_filters(db).await);
    }
    if any_reachable && !errors.is_empty() {
        errors.sort();
        errors.dedup();
        bail!("invalid policies:\n{}", errors.join("\n"));
    }
    Ok(AppState::new(
        databases,
        policies,
        config.max_sql_length,
        auditor,
        config.cache_max_bytes,
    ))
}

/// Plan (EXPLAIN, never run) each role's view of each filtered table, so the database itself
/// checks every row filter's columns, types and subqueries before anyone queries.
async fn dry_run_filters(db: &Database) -> Vec<String> {
    let schema = db.schema.load();
    let mut errors = Vec::new();
    let mut roles: Vec<_> = schema.roles.iter().collect();
    roles.sort_by(|a, b| a.0.cmp(b.0));
    for (name, role) in roles {
        let mut tables: Vec<_> = role.tables.iter().filter(|(_, a)| a.has_filter()).collect();
        tables.sort_by(|a, b| a.0.cmp(b.0));
        for (table, access) in tables {
            let attrs = access
                .attrs
                .iter()
                .map(|a| (a.clone(), String::new()))
                .collect();
            let ctx = sqlwarden::sql::GovernContext {
                dialect: db.dialect,
                catalog: &schema.catalog,
                policy: role,
                attrs: &attrs,
                max_sql_len: 100_000,
            };
            let probe = format!(
                "SELECT 1 FROM \"{}\".\"{}\"",
                table.schema.replace('"', "\"\""),
                table.name.replace('"', "\"\"")
            );
            let result =
                match sqlwarden::sql::govern(&probe, &[], sqlwarden::sql::Purpose::Explain, &ctx) {
                    Ok(q) => sqlwarden::db::execute(
                        db,
                        &q,
                        sqlwarden::db::ExecLimits {
                            max_rows: 1000,
                            max_result_bytes: 1 << 20,
                            statement_timeout: std::time::Duration::from_secs(10),
                        },
                        &tokio_util::sync::CancellationToken::new(),
                    )
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
            if let Err(e) = result {
                errors.push(format!(
                    "role {name}: the row filter of {table} fails in database {}: {e}",
                    db.name
                ));
            }
        }
    }
    errors
}

pub(crate) async fn serve_stdio(state: Arc<AppState>, principal: Principal) -> anyhow::Result<()> {
    let state_ref = state.clone();
    let handler = Sqlwarden::with_principal(state, Arc::new(principal));
    let service = match handler.serve(rmcp::transport::stdio()).await {
        Ok(service) => service,
        // A client that leaves before (or instead of) initializing, e.g. after `server/discover`
        // only, or with nothing on stdin: a normal end, not a failure.
        Err(
            rmcp::service::ServerInitializeError::ConnectionClosed(_)
            | rmcp::service::ServerInitializeError::ExpectedInitializeRequest(None),
        ) => {
            state_flush(&state_ref).await;
            return Ok(());
        }
        Err(e) => return Err(anyhow::Error::new(e).context("stdio transport")),
    };
    let ended = service.waiting().await.context("stdio session");
    state_flush(&state_ref).await;
    ended?;
    Ok(())
}

pub(crate) async fn serve_http(state: Arc<AppState>, opts: HttpOptions) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        stop_signal().await;
        on_signal.cancel();
    });
    let served = sqlwarden::http::serve(state.clone(), opts, shutdown)
        .await
        .context("HTTP server");
    state_flush(&state).await;
    served
}

/// Ctrl-C, or SIGTERM (what a container runtime sends to stop the server).
async fn stop_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Write every queued audit record before exiting.
async fn state_flush(state: &AppState) {
    state.auditor.flush().await;
    let lost = state.auditor.lost();
    if lost > 0 {
        tracing::error!(lost, "audit records were lost while serving");
    }
}
