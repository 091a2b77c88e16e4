//! Streamable HTTP transport: `/mcp` (stateless, JSON replies by default), `/healthz`, `/readyz`,
//! `/metrics` (Prometheus text).
//!
//! Input: an [`AppState`] and a listen address. Binds loopback by default; Host and Origin are
//! validated by rmcp's transport against configured allow-lists (403 otherwise). Accepted
//! sockets get TCP_NODELAY (without it every reply stalls ~40 ms on Nagle + delayed ACK); the
//! accept loop is ours (hyper-util), for a header read timeout and a bound on connections.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use crate::auth::Authenticator;
use crate::mcp::{AppState, Sqlwarden};

mod auth;
mod conn;
mod cors;
mod direct;
pub(crate) mod proxy;
mod refusals;
mod replies;

const LOOPBACK_ORIGINS: &[&str] = &["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub addr: SocketAddr,
    /// Host header values accepted; `None` = loopback names only.
    pub allowed_hosts: Option<Vec<String>>,
    pub allowed_origins: Vec<String>,
    /// How callers are identified; every `/mcp` request passes through it.
    pub auth: Arc<Authenticator>,
    /// Renders `/metrics`; `None` = no metrics route.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Peers whose `X-Forwarded-For` names the client (see [`proxy`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The router: `/mcp`, `/healthz`, `/readyz`, `/metrics`. `cancel` cancels every running
/// `/mcp` request (the shutdown deadline), not the listener.
pub fn router(state: Arc<AppState>, opts: &HttpOptions, cancel: CancellationToken) -> Router {
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_cancellation_token(cancel.child_token());
    if let Some(hosts) = &opts.allowed_hosts {
        config = config.with_allowed_hosts(hosts.clone());
    }
    // Browsers send Origin: only loopback pages (or configured origins) may call us, which
    // stops a web page from driving a local server. Clients that send no Origin are not browsers.
    let origins = if opts.allowed_origins.is_empty() {
        LOOPBACK_ORIGINS.iter().map(|s| s.to_string()).collect()
    } else {
        opts.allowed_origins.clone()
    };
    config = config.with_allowed_origins(origins.clone());
    // Plain `query` calls skip rmcp's per-request service, for the hosts rmcp accepts.
    let direct = Arc::new(direct::Direct::new(
        state.clone(),
        &config.allowed_hosts,
        cancel.child_token(),
    ));
    let svc_state = state.clone();
    let service = Shared(Arc::new(StreamableHttpService::new(
        move || Ok(Sqlwarden::new(svc_state.clone())),
        LocalSessionManager::default().into(),
        config,
    )));
    let (challenge, metadata) = match opts.auth.as_ref() {
        Authenticator::OAuth(verifier) => {
            let resource = verifier
                .resource()
                .map(str::to_string)
                .unwrap_or_else(|| format!("http://{}/mcp", opts.addr));
            let origin = resource
                .find("://")
                .and_then(|i| resource[i + 3..].find('/').map(|j| &resource[..i + 3 + j]))
                .unwrap_or(&resource)
                .to_string();
            let url = format!("{origin}/.well-known/oauth-protected-resource");
            (
                format!("Bearer resource_metadata=\"{url}\""),
                Some(verifier.metadata(&resource)),
            )
        }
        _ => ("Bearer".to_string(), None),
    };
    let auth = Arc::new(auth::AuthState::new(opts.auth.clone(), &challenge));
    let mut router = Router::new()
        .nest_service("/mcp", service)
        // Bodies that are not one JSON-RPC message, answered the JSON-RPC way. Route layers:
        // a path that is no route is a 404, not a JSON-RPC error or a 401.
        .route_layer(axum::middleware::from_fn_with_state(
            direct,
            refusals::json_rpc_shape,
        ))
        // Only what is above this line needs a principal.
        .route_layer(axum::middleware::from_fn_with_state(
            auth,
            auth::authenticate,
        ))
        // While too many replies wait to be read, a 503 before any work (recorded).
        .layer(axum::middleware::from_fn(replies::refuse_busy))
        // Outermost: body bound, and the audit record of every HTTP-level refusal.
        .layer(axum::middleware::from_fn_with_state(
            refusals::Guard::new(state.clone()),
            refusals::guard,
        ))
        // Browsers: preflights answered before authentication (they carry no credentials).
        .layer(cors::layer(origins))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz));
    if let Some(handle) = opts.metrics.clone() {
        router = router.route(
            "/metrics",
            get(move |State(state): State<Arc<AppState>>| {
                let handle = handle.clone();
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        crate::telemetry::metrics::render(&handle, &state),
                    )
                }
            }),
        );
    }
    if let Some(metadata) = metadata {
        // RFC 9728: where MCP clients that do OAuth find the authorization server.
        let doc = Arc::new(metadata);
        let serve_doc = move || {
            let doc = doc.clone();
            async move { axum::Json((*doc).clone()) }
        };
        router = router
            .route(
                "/.well-known/oauth-protected-resource",
                get(serve_doc.clone()),
            )
            .route("/.well-known/oauth-protected-resource/mcp", get(serve_doc));
    }
    router.with_state(state)
}

/// rmcp's service behind an `Arc`. axum's router and every `from_fn` layer clone the service
/// below them for each request, and rmcp's clone copies its whole configuration (the allowed
/// hosts and origins, string by string): several times per request, measured as a sixth of a
/// point lookup's allocations. Cloning this is one reference count.
#[derive(Clone)]
struct Shared(Arc<StreamableHttpService<Sqlwarden, LocalSessionManager>>);

impl tower_service::Service<axum::extract::Request> for Shared {
    type Response = axum::response::Response<
        http_body_util::combinators::BoxBody<bytes::Bytes, std::convert::Infallible>,
    >;
    type Error = std::convert::Infallible;
    type Future = futures_util::future::BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: axum::extract::Request) -> Self::Future {
        let service = self.0.clone();
        Box::pin(async move { Ok(service.handle(request).await) })
    }
}

/// Ready when not shutting down and every configured database hands out a working connection.
async fn readyz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    if state.lifecycle.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining".to_string());
    }
    for db in &state.databases {
        if let Err(e) = crate::db::ping(db).await {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("database {}: {e}", db.name),
            );
        }
    }
    (StatusCode::OK, "ready".to_string())
}

/// When the HTTP server stops: `stop_accepting` closes the listener and lets running requests
/// finish; `cancel` cancels the requests still running (the shutdown deadline).
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    pub stop_accepting: CancellationToken,
    pub cancel: CancellationToken,
}

/// Bind `opts.addr` (so a bad address fails before anything is announced).
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

/// Connections served at once; one more is accepted and closed at once (so that a flood of
/// idle connections cannot use up the process's file descriptors).
const MAX_CONNECTIONS: usize = 4096;

/// How long a client may take to send a request's headers (slowloris: connections that send
/// a few header bytes now and then would otherwise be held open forever).
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Concurrent streams one HTTP/2 connection may have (hyper's default is 200): each may hold
/// a chunk of a reply its client never takes (see `replies`). MCP clients send one request
/// at a time per connection, or a few.
pub(crate) const MAX_HTTP2_STREAMS: u32 = 16;

/// Serve on `listener` until `shutdown.stop_accepting` fires and the running requests end.
pub async fn serve(
    state: Arc<AppState>,
    opts: HttpOptions,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

    let app = router(state, &opts, shutdown.cancel.clone());
    let proxies: Arc<[ipnet::IpNet]> = opts.trusted_proxies.clone().into();
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_HTTP2_STREAMS);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let per_client = Arc::new(conn::PerClient::default());
    let stop = shutdown.stop_accepting;
    let mut last_refusal_logged = None;
    loop {
        let (tcp, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and kin: the listener itself is fine.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stop.cancelled() => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Once a second at most: a flood of connections must not become a flood of lines.
            if last_refusal_logged.is_none_or(|t: std::time::Instant| t.elapsed().as_secs() >= 1) {
                tracing::warn!(%client, limit = MAX_CONNECTIONS, "too many connections; closing new ones");
                last_refusal_logged = Some(std::time::Instant::now());
            }
            continue;
        };
        // a proxy carries many clients' connections; anyone else holds a bounded share
        let client_slot = if proxy::trusted(client.ip(), &proxies) {
            None
        } else {
            match per_client.admit(proxy::budget_key(client.ip())) {
                Some(s) => Some(s),
                None => {
                    if last_refusal_logged
                        .is_none_or(|t: std::time::Instant| t.elapsed().as_secs() >= 1)
                    {
                        tracing::warn!(%client, limit = conn::PER_CLIENT, "too many connections from one address; closing its new ones");
                        last_refusal_logged = Some(std::time::Instant::now());
                    }
                    continue;
                }
            }
        };
        // Without TCP_NODELAY every reply stalls ~40 ms on Nagle and delayed ACK.
        let _ = tcp.set_nodelay(true);
        let activity = conn::Activity::new();
        let app = app.clone();
        let proxies = proxies.clone();
        let requests = activity.clone();
        let service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                let running = requests.request();
                let replies = requests.clone();
                // (probes and metrics stay answered: an orchestrator must not restart a
                // server whose clients hold replies unread)
                let busy = !matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics")
                    && replies::too_much_unsent(&requests);
                // behind a trusted proxy, the address it forwarded for
                let client = proxy::client(client, request.headers(), &proxies);
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(client));
                if busy {
                    request.extensions_mut().insert(replies::Busy);
                }
                let mut app = app.clone();
                let answer =
                    tower_service::Service::call(&mut app, request.map(axum::body::Body::new));
                async move {
                    let response = answer.await;
                    drop(running);
                    response.map(|r| {
                        r.map(|body| axum::body::Body::new(replies::Reply::new(body, replies)))
                    })
                }
            },
        );
        let io = TokioIo::new(conn::Watched::new(tcp, activity.clone()));
        let connection = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => {
                    if let Err(e) = ended {
                        tracing::debug!(%client, error = %e, "connection ended with an error");
                    }
                }
                // no request running and nothing sent either way: closed (dropping it)
                () = activity.idle() => {
                    tracing::debug!(%client, "closing an idle connection");
                }
            }
            drop(client_slot);
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
