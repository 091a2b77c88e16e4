//! The layers around `/mcp` that refuse at the HTTP level. Outermost, [`guard`]: bounds the
//! declared body length (413) and writes the audit record of every request refused at the HTTP
//! level (401 and 429 from authentication, 403 from Host/Origin validation, 413, 503 while
//! too many replies wait unread or credentials cannot be checked, and the transport's 405 for
//! GET and DELETE, 406 and 415 for a wrong Accept or Content-Type), which never
//! reach a tool and so are recorded nowhere else; [`json_rpc_shape`] records the bodies it
//! refuses itself. Inside authentication, [`json_rpc_shape`]:
//! answers a body that is not one JSON-RPC message with the JSON-RPC error for it (400 with
//! -32700 or -32600; -32602 answering the id when the params are not an object) instead of the
//! transport's plain-text refusal. The checks are shared with stdio (`mcp::jsonrpc`), as are
//! those on the params of known methods.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::audit::{AuditRecord, Decision};
use crate::auth::Principal;
use crate::mcp::AppState;

/// The largest request body accepted (the stdio transport's line bound too).
pub(crate) const MAX_BODY_BYTES: usize = crate::mcp::jsonrpc::MAX_MESSAGE_BYTES;

/// [`guard`]'s state: the server's, and how many refusals nobody authenticated are recorded.
pub(crate) struct Guard {
    app: Arc<AppState>,
    /// Per address.
    per_address: governor::DefaultKeyedRateLimiter<IpAddr>,
    /// All addresses together.
    overall: governor::DefaultDirectRateLimiter,
}

/// Records of refusals nobody authenticated: per address, as many as failed authentications
/// it may have before it is refused (20 a minute); all addresses together, 20 a second (100
/// at once).
const UNAUTHENTICATED_PER_ADDRESS_PER_MINUTE: u32 = 20;
const UNAUTHENTICATED_PER_SECOND: u32 = 20;
const UNAUTHENTICATED_BURST: u32 = 100;

impl Guard {
    pub(crate) fn new(app: Arc<AppState>) -> Arc<Self> {
        let n = |v: u32| std::num::NonZeroU32::new(v).unwrap_or(std::num::NonZeroU32::MIN);
        Arc::new(Guard {
            app,
            per_address: governor::RateLimiter::keyed(governor::Quota::per_minute(n(
                UNAUTHENTICATED_PER_ADDRESS_PER_MINUTE,
            ))),
            overall: governor::RateLimiter::direct(
                governor::Quota::per_second(n(UNAUTHENTICATED_PER_SECOND))
                    .allow_burst(n(UNAUTHENTICATED_BURST)),
            ),
        })
    }

    /// Whether to record a refusal of a request nobody authenticated from `ip` (within the
    /// budgets above). Such a request is as cheap to send as a line of headers
    /// (`Content-Length: 5000000` and no body is a 413): one record each let one address write
    /// 200,000 records, a gigabyte of store, in 20 seconds (red-team finding). The rest are
    /// counted (`sqlwarden_audit_refusals_unrecorded_total`).
    /// (A blocked address's `429`s have a budget of their own, one a second: see
    /// `auth::AuthState::too_many`; only the overall one applies to them here.)
    fn records_unauthenticated(&self, ip: Option<IpAddr>, status: StatusCode) -> bool {
        if self.per_address.len() > 10_000 {
            self.per_address.retain_recent();
        }
        let address = status == StatusCode::TOO_MANY_REQUESTS
            || ip.is_none_or(|ip| {
                self.per_address
                    .check_key(&super::proxy::budget_key(ip))
                    .is_ok()
            });
        address && self.overall.check().is_ok()
    }
}

pub(crate) async fn guard(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = ip.map(|ip| ip.to_string());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let response = if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        too_large()
    } else {
        next.run(req).await
    };
    let code = match guard_code(response.status()) {
        Some(code) => code,
        None => return response,
    };
    if response
        .extensions()
        .get::<super::auth::Unrecorded>()
        .is_some()
    {
        return response;
    }
    let principal = response.extensions().get::<Arc<Principal>>();
    if principal.is_none() && !guard.records_unauthenticated(ip, response.status()) {
        crate::telemetry::metrics::refusal_unrecorded();
        return response;
    }
    let record = refusal_record(client, principal, code, response.status(), started);
    // The refusal stands whether or not its record could be written (a lost one is counted).
    let _ = guard.app.auditor.record(record).await;
    response
}

/// How long an authenticated client may take to send a request's body.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// 408, and the connection closed.
fn body_timeout() -> Response {
    (
        StatusCode::REQUEST_TIMEOUT,
        [(header::CONNECTION, "close")],
        "the request body did not arrive in time",
    )
        .into_response()
}

/// The audit code [`guard`] records a refusal of this status under.
fn guard_code(status: StatusCode) -> Option<&'static str> {
    Some(match status {
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        // The transport's refusals of a POST it cannot take (wrong Accept or Content-Type):
        // answered before any handler, so recorded here.
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        // GET (a stream of server messages) and DELETE (ending a session) of a server that
        // keeps no sessions.
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        // Too many replies waiting to be read, or credentials that cannot be checked.
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        _ => return None,
    })
}

/// The record of a request refused at the HTTP level, before any handler.
fn refusal_record(
    client: Option<String>,
    principal: Option<&Arc<Principal>>,
    code: &str,
    status: StatusCode,
    started: Instant,
) -> AuditRecord {
    let mut record = AuditRecord::new(&crate::mcp::request_id(), "http", "http", Decision::Deny);
    record.client = client;
    record.code = Some(code.to_string());
    record.http_status = Some(i64::from(status.as_u16()));
    if let Some(p) = principal {
        record.principal = Some(p.name.clone());
        record.role = Some(p.role.clone());
        record.token_id = p.token_id.clone();
    }
    record.duration_us = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
    record
}

/// Inside authentication (so nobody unauthenticated makes the server buffer a body): read a
/// POST body, bounded, and answer one that is not a single JSON-RPC message the JSON-RPC way.
/// A plain `query` call is answered by the direct path; everything else goes on to rmcp.
pub(crate) async fn json_rpc_shape(
    State(direct): State<Arc<super::direct::Direct>>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != axum::http::Method::POST {
        return next.run(req).await;
    }
    let started = Instant::now();
    let (mut parts, body) = req.into_parts();
    let bytes = match tokio::time::timeout(
        BODY_READ_TIMEOUT,
        axum::body::to_bytes(body, MAX_BODY_BYTES),
    )
    .await
    {
        // A client that declares a body and never sends it would hold its connection (and,
        // with thousands of them, every connection the server takes) for ever.
        Err(_) => return body_timeout(),
        Ok(Err(_)) => return too_large(),
        Ok(Ok(bytes)) => bytes,
    };
    let message = match crate::mcp::jsonrpc::check_message(&bytes) {
        Err(malformed) => {
            // Recorded here: no handler will see this request.
            match malformed.audited {
                Some(method) => {
                    direct
                        .record_refusal(&parts, method, malformed.audit_code())
                        .await
                }
                None => {
                    let record = refusal_record(
                        crate::mcp::call::client_of(&parts.extensions),
                        parts.extensions.get::<Arc<Principal>>(),
                        malformed.audit_code(),
                        status_of(&malformed),
                        started,
                    );
                    let _ = direct.state().auditor.record(record).await;
                }
            }
            return NotJsonRpc(malformed).into_response();
        }
        Ok(message) => message,
    };
    if let Some(response) = direct.serve(&parts, &message).await {
        return response;
    }
    let recorded = crate::mcp::call::Recorded::default();
    parts.extensions.insert(recorded.clone());
    let client = crate::mcp::call::client_of(&parts.extensions);
    let principal = parts.extensions.get::<Arc<Principal>>().cloned();
    let response = next
        .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await;
    // Refused by rmcp before any handler (an unsupported MCP-Protocol-Version, headers that do
    // not match the body, ...): recorded here, unless `guard` records that status.
    let status = response.status();
    if (status.is_client_error() || status.is_server_error())
        && guard_code(status).is_none()
        && !recorded.0.load(std::sync::atomic::Ordering::Relaxed)
    {
        let code = status
            .canonical_reason()
            .map(|r| r.to_ascii_lowercase().replace([' ', '-'], "_"))
            .unwrap_or_else(|| format!("http_{}", status.as_u16()));
        let record = refusal_record(client, principal.as_ref(), &code, status, started);
        let _ = direct.state().auditor.record(record).await;
    }
    response
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "application/json")],
        format!(
            r#"{{"error":"payload_too_large","error_description":"request bodies are limited to {MAX_BODY_BYTES} bytes"}}"#
        ),
    )
        .into_response()
}

/// A body that is not one JSON-RPC message: 400 with the JSON-RPC error for it (id null), or,
/// for a request whose params are not an object, the -32602 error answering its id.
struct NotJsonRpc(crate::mcp::jsonrpc::Malformed);

/// 200 when the error answers a request's id (as rmcp answers its JSON-RPC errors), else 400.
fn status_of(m: &crate::mcp::jsonrpc::Malformed) -> StatusCode {
    if m.id.is_some() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    }
}

impl IntoResponse for NotJsonRpc {
    fn into_response(self) -> Response {
        let NotJsonRpc(m) = self;
        let status = status_of(&m);
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": m.id,
            "error": {"code": m.code, "message": m.message},
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}
