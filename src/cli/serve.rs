//! `sqlwarden serve`: load config, connect databases, serve stdio or HTTP.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Args;
use rmcp::ServiceExt;

use sqlwarden::audit::{Auditor, Chain};
use sqlwarden::auth::token::{AuthError, Tokens};
use sqlwarden::auth::{Authenticator, Principal};
use sqlwarden::config::{AuthMode, Config};
use sqlwarden::db::{Database, DatabaseOptions};
use sqlwarden::http::HttpOptions;
use sqlwarden::mcp::registry::Source;
use sqlwarden::mcp::{AppState, Bundle, RegistryCell, Sqlwarden};
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
    /// Reload policies, templates and prompts when their files change (SIGHUP always does).
    #[arg(long)]
    pub(crate) watch: bool,
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
    let (bundle, source) = load_bundle(&config)?;
    // The roles fixed at start must exist; token and OAuth principals' roles are checked per call.
    let roles_in_use: Vec<&str> = match (http.is_some(), &config.auth) {
        (false, _) => vec![principal.role.as_str()],
        (true, AuthMode::None) => vec![config.http_role.as_str()],
        (true, _) => vec![],
    };
    let state = connect(&config, bundle.clone(), source, &roles_in_use, auditor).await?;
    super::reload::spawn(&state, config.policies_dir.as_deref(), args.watch);
    match http {
        None => {
            announce(
                &state,
                "stdio",
                None,
                &format!("fixed role {}", principal.role),
            );
            serve_stdio(state, principal).await
        }
        Some(addr) => {
            let auth = authenticator(&config, store, addr, args.unsafe_no_auth).await?;
            let opts = HttpOptions {
                addr,
                allowed_hosts: config.allowed_hosts.clone(),
                allowed_origins: config.allowed_origins.clone(),
                auth: Arc::new(auth),
                metrics: sqlwarden::telemetry::metrics::install(),
                trusted_proxies: config.trusted_proxies.clone(),
            };
            let timing = Timing {
                drain_delay: config.drain_delay,
                shutdown_timeout: config.shutdown_timeout,
            };
            serve_http(state, opts, auth_name(&config.auth), timing, |_| {}).await
        }
    }
}

fn auth_name(auth: &AuthMode) -> &'static str {
    match auth {
        AuthMode::Token => "token",
        AuthMode::OAuth(_) => "oauth",
        AuthMode::None => "none",
    }
}

/// The one start-up line: what this process serves, to whom, how.
pub(crate) fn announce(
    state: &AppState,
    transport: &'static str,
    addr: Option<SocketAddr>,
    auth: &str,
) {
    let databases: Vec<String> = state
        .databases
        .iter()
        .map(|d| format!("{} ({})", d.name, d.dialect.name()))
        .collect();
    let registry = state.registry.load();
    let roles: Vec<&str> = registry.policies.roles.keys().map(String::as_str).collect();
    let templates: Vec<&str> = registry
        .templates
        .templates
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        transport,
        addr = addr.map(|a| a.to_string()),
        mcp = addr.map(|a| format!("http://{a}/mcp")),
        auth,
        databases = databases.join(", "),
        roles = roles.join(", "),
        templates = templates.join(", "),
        audit = ?state.auditor,
        "sqlwarden serving"
    );
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

/// Load the role policies, templates and prompts the configuration names (or the built-in
/// `default` role), and where a reload reads them again.
pub(crate) fn load_bundle(config: &Config) -> anyhow::Result<(Bundle, Option<Source>)> {
    match &config.policies_dir {
        None => Ok((Bundle::of(PolicySet::builtin(config.limits)), None)),
        Some(dir) => {
            let bundle = Bundle::load_dir(dir, config.limits)
                .map_err(|e| anyhow::anyhow!("invalid policies:\n{e}"))?;
            let source = Source {
                dir: dir.clone(),
                defaults: config.limits,
            };
            Ok((bundle, Some(source)))
        }
    }
}

/// Connect every configured database, check the policies, templates and prompts against each
/// (the validator reload and `policy check` share), and build the shared state. Problems
/// (unknown tables or columns, bad row filters, templates a role cannot run) refuse the start.
pub(crate) async fn connect(
    config: &Config,
    bundle: Bundle,
    source: Option<Source>,
    roles_in_use: &[&str],
    auditor: Auditor,
) -> anyhow::Result<Arc<AppState>> {
    let policies = Arc::new(bundle.policies.clone());
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
        tracing::info!(database = %d.name, dialect = db.dialect.name(), tables = schema.catalog.len(), "database ready");
        databases.push(Arc::new(db));
    }
    let errors = sqlwarden::mcp::registry::check(&databases, &bundle, config.max_sql_length).await;
    if !errors.is_empty() {
        bail!("invalid policies:\n{}", errors.join("\n"));
    }
    Ok(AppState::new(
        databases,
        RegistryCell::new(bundle, source),
        config.max_sql_length,
        auditor,
        config.cache_max_bytes,
    ))
}

pub(crate) async fn serve_stdio(state: Arc<AppState>, principal: Principal) -> anyhow::Result<()> {
    let state_ref = state.clone();
    let handler = Sqlwarden::with_principal(state, Arc::new(principal));
    let started = tokio::select! {
        started = {
            let transport = sqlwarden::mcp::stdio::stdio(&handler);
            handler.serve(transport)
        } => started,
        // Stopped before a client initialized (PID 1 in a container ignores SIGTERM unless
        // handled).
        () = stop_signal() => {
            state_flush(&state_ref).await;
            return Ok(());
        }
    };
    let service = match started {
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
    // a reload changes what this session may see: tell the client to list again
    let peer = service.peer().clone();
    let mut changed = state_ref.registry.subscribe();
    let notifier = tokio::spawn(async move {
        while changed.changed().await.is_ok() {
            let _ = peer.notify_tool_list_changed().await;
            let _ = peer.notify_prompt_list_changed().await;
            let _ = peer.notify_resource_list_changed().await;
        }
    });
    // A container runtime stops a stdio server with SIGTERM: end the session cleanly.
    let ct = service.cancellation_token();
    let on_signal = tokio::spawn(async move {
        stop_signal().await;
        ct.cancel();
    });
    let ended = service.waiting().await.context("stdio session");
    notifier.abort();
    on_signal.abort();
    state_flush(&state_ref).await;
    ended?;
    Ok(())
}

/// How a stop signal is handled (see [`serve_http`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub(crate) drain_delay: std::time::Duration,
    pub(crate) shutdown_timeout: std::time::Duration,
}

/// How long cancelled calls get to cancel their backend queries and record themselves.
const CANCEL_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Serve HTTP until SIGTERM/SIGINT, then stop in order: `/readyz` unready (new calls still
/// served for `drain_delay`), stop accepting, let running calls finish for `shutdown_timeout`,
/// cancel the ones still running (their backend queries are cancelled in the database), write
/// the audit trail, return (exit 0). `listening` runs once the address is bound (the demo
/// prints its banner there, so what it shows can be used at once).
pub(crate) async fn serve_http(
    state: Arc<AppState>,
    opts: HttpOptions,
    auth: &str,
    timing: Timing,
    listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = sqlwarden::http::bind(opts.addr)
        .await
        .with_context(|| format!("cannot listen on {}", opts.addr))?;
    let local = listener.local_addr().context("listening address")?;
    announce(&state, "http", Some(local), auth);
    listening(local);
    let shutdown = sqlwarden::http::Shutdown::default();
    let mut server = tokio::spawn(sqlwarden::http::serve(
        state.clone(),
        opts,
        listener,
        shutdown.clone(),
    ));
    tokio::select! {
        ended = &mut server => {
            state_flush(&state).await;
            return ended.context("HTTP server task")?.context("HTTP server");
        }
        () = stop_signal() => {}
    }
    state.lifecycle.drain();
    tracing::info!(
        in_flight = state.lifecycle.in_flight(),
        drain_delay = ?timing.drain_delay,
        shutdown_timeout = ?timing.shutdown_timeout,
        "stop signal: /readyz now reports unready"
    );
    tokio::time::sleep(timing.drain_delay).await;
    shutdown.stop_accepting.cancel();
    if !state.lifecycle.idle(timing.shutdown_timeout).await {
        tracing::warn!(
            in_flight = state.lifecycle.in_flight(),
            "shutdown deadline passed: cancelling the calls still running"
        );
        shutdown.cancel.cancel();
        state.lifecycle.idle(CANCEL_GRACE).await;
    }
    // Backend cancels of calls that were cancelled (or dropped) must reach the database.
    for db in &state.databases {
        if !db.settle(CANCEL_GRACE).await {
            tracing::warn!(database = %db.name, "a backend cancel did not finish in time");
        }
    }
    // Replies of finished calls are written before the connections close.
    match tokio::time::timeout(CANCEL_GRACE, &mut server).await {
        Ok(Ok(Err(e))) => tracing::warn!(error = %e, "HTTP server ended with an error"),
        Ok(_) => {}
        Err(_) => {
            shutdown.cancel.cancel();
            server.abort();
            tracing::warn!("connections still open after the deadline were closed");
        }
    }
    state_flush(&state).await;
    tracing::info!(lost = state.auditor.lost(), "stopped");
    Ok(())
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
