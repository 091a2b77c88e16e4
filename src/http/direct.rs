//! The direct path for the most common request: a plain `tools/call` of `query` over stateless
//! HTTP, answered without rmcp's per-request service. rmcp builds a service, a one-shot
//! transport and a channel, and spawns a task for every POST; for a point lookup that was a
//! large share of the server's CPU. Here the call runs in the request's own task, through the
//! same governed path (`mcp::tools::query::run`: the same record, limits, governance and
//! result) as when rmcp dispatches it.
//!
//! Taken only when every check below holds; any other request, and any request this path is
//! not sure about, goes to rmcp unchanged, which then applies its own rules (so this path can
//! never accept what rmcp would refuse):
//! - `POST /mcp`, a Host header that is one of the allowed hosts in its plain form (lowercase
//!   name or address, optional decimal port), and no Origin header: browsers and anything
//!   unusual get rmcp's DNS-rebinding checks;
//! - Accept lists `application/json` and `text/event-stream` without parameters, Content-Type
//!   is `application/json`;
//! - the body is `{"jsonrpc":"2.0","id":…,"method":"tools/call","params":{"name":"query",
//!   "arguments":{…}}}` with arguments that parse as the tool's arguments (a refusal of bad
//!   arguments is rmcp's to write), and either
//!   - `MCP-Protocol-Version` is absent or a version negotiated once per session (before
//!     2026-07-28), no `Mcp-*` header besides it, and nothing else in `params` but a `_meta`
//!     with only a progress token (no task); or
//!   - `MCP-Protocol-Version: 2026-07-28` with exactly `Mcp-Method: tools/call` and
//!     `Mcp-Name: query` besides it (SEP-2243), and `params._meta` holding that same
//!     protocol version, valid client capabilities and at most the client's info and a
//!     progress token.
//!
//! The reply is what rmcp sends for the same call: 200, `application/json`, the JSON-RPC
//! response with the tool result in the shape of the request's protocol version.

use std::sync::Arc;

use axum::http::{HeaderMap, Method, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::auth::Principal;
use crate::mcp::{AppState, QueryArgs, Sqlwarden};

/// Protocol versions whose requests carry no per-request version: what rmcp serves with the
/// session's negotiated version, and what this path answers alike.
const SESSION_VERSIONS: &[&str] = &["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

/// The version whose requests each carry their version in `_meta` and in headers.
const PER_REQUEST_VERSION: &str = "2026-07-28";

/// Which protocol family a request this path takes speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// Negotiated once per session (2024-11-05 to 2025-11-25): the legacy result shape.
    Session,
    /// 2026-07-28: version and capabilities in each request's `_meta`.
    PerRequest,
}

/// What the direct path needs besides the request: the hosts rmcp accepts, and the token that
/// cancels running calls at the shutdown deadline.
pub(crate) struct Direct {
    state: Arc<AppState>,
    /// Allowed hosts as (lowercase host, port if the entry names one); empty = never direct.
    hosts: Vec<(String, Option<u16>)>,
    cancel: CancellationToken,
}

impl Direct {
    pub(crate) fn new(state: Arc<AppState>, hosts: &[String], cancel: CancellationToken) -> Direct {
        let hosts = hosts.iter().filter_map(|h| allowed_entry(h)).collect();
        Direct {
            state,
            hosts,
            cancel,
        }
    }

    /// Answer `message` (the parsed body of the request `parts`) if it is a plain `query` call
    /// this path may take; `None` sends the request on to rmcp.
    pub(crate) async fn serve(&self, parts: &Parts, message: &Value) -> Option<Response> {
        let version = self.takes(parts)?;
        let (id, args) = query_call(message, version)?;
        let request = DirectRequest::of(parts);
        let server = Sqlwarden::new(self.state.clone());
        // Cancelled at the shutdown deadline, or when the client goes away (this future is
        // dropped), as rmcp does for the calls it runs.
        let ct = self.cancel.child_token();
        let disconnect = ct.clone().drop_guard();
        let span = tracing::info_span!("tools/call", tool = "query");
        let result = tracing::Instrument::instrument(
            crate::mcp::tools::query::run(&server, args, &request, &ct),
            span,
        )
        .await;
        disconnect.disarm();
        // The shape rmcp gives a peer of this version (before 2026-07-28: no `resultType`,
        // object structured content only), by rmcp's own functions.
        let mut result = rmcp::model::ServerResult::CallToolResult(result);
        match version {
            Version::Session => {
                result.strip_result_type_for_legacy_peer();
                result.strip_non_object_output_for_legacy_peer();
            }
            Version::PerRequest => result.fill_missing_cache_hints(),
        }
        let reply = Reply {
            jsonrpc: "2.0",
            id,
            result: &result,
        };
        // The call ran and is recorded: a reply that cannot be encoded is an internal error
        // here, never a second run through rmcp.
        let (status, body) = match serde_json::to_vec(&reply) {
            Ok(body) => (StatusCode::OK, body),
            Err(e) => {
                tracing::error!(error = %e, "a query result could not be encoded");
                let error = serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {
                    "code": -32603, "message": "internal error: the result could not be encoded"}});
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    error.to_string().into_bytes(),
                )
            }
        };
        Some((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
    }

    /// The server state this path serves with.
    pub(crate) fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Record a request of an audited kind refused before any handler could read it (its params
    /// are not an object), as the caller's, like every other request.
    pub(crate) async fn record_refusal(&self, parts: &Parts, method: &'static str, code: &str) {
        let request = DirectRequest::of(parts);
        let server = Sqlwarden::new(self.state.clone());
        let caller = crate::mcp::call::Caller::of(&server, &request);
        crate::mcp::call::Call::refused(&server, caller, method, "", code).await;
    }

    /// The protocol family, if the request's method, path and headers are ones this path
    /// takes.
    fn takes(&self, parts: &Parts) -> Option<Version> {
        let plain = parts.method == Method::POST
            && parts.uri.path() == "/mcp"
            && parts.uri.authority().is_none()
            && self.host_allowed(&parts.headers)
            && !parts.headers.contains_key(header::ORIGIN)
            && accepts_json_and_sse(&parts.headers)
            && is_json(&parts.headers);
        if !plain {
            return None;
        }
        protocol_headers(&parts.headers)
    }

    fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let mut hosts = headers.get_all(header::HOST).iter();
        let (Some(host), None) = (hosts.next(), hosts.next()) else {
            return false;
        };
        let Some((name, port)) = host.to_str().ok().and_then(plain_authority) else {
            return false;
        };
        self.hosts
            .iter()
            .any(|(h, p)| *h == name && p.is_none_or(|p| Some(p) == port))
    }
}

/// The JSON-RPC response, in rmcp's field order.
#[derive(serde::Serialize)]
struct Reply<'a> {
    jsonrpc: &'static str,
    id: &'a Value,
    result: &'a rmcp::model::ServerResult,
}

/// The request as the governed path sees it: who, and from where.
struct DirectRequest {
    principal: Option<Arc<Principal>>,
    client: Option<String>,
}

impl DirectRequest {
    fn of(parts: &Parts) -> DirectRequest {
        DirectRequest {
            principal: parts.extensions.get::<Arc<Principal>>().cloned(),
            client: crate::mcp::call::client_of(&parts.extensions),
        }
    }
}

impl crate::mcp::call::Request for DirectRequest {
    fn principal(&self) -> Option<Arc<Principal>> {
        self.principal.clone()
    }

    fn origin(&self) -> (&'static str, Option<String>) {
        ("http", self.client.clone())
    }
}

/// The id and arguments of a plain `tools/call` of `query`, else `None`.
fn query_call(message: &Value, version: Version) -> Option<(&Value, QueryArgs)> {
    let message = message.as_object()?;
    if message.len() != 4
        || message.get("jsonrpc")?.as_str()? != "2.0"
        || message.get("method")?.as_str()? != "tools/call"
    {
        return None;
    }
    let id = message
        .get("id")
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())?;
    let params = message.get("params")?.as_object()?;
    let meta = params.get("_meta");
    if params.len() != 2 + usize::from(meta.is_some()) || params.get("name")?.as_str()? != "query" {
        return None;
    }
    let meta_ok = match (version, meta) {
        (Version::Session, None) => true,
        (Version::Session, Some(meta)) => plain_meta(meta, &[]),
        (Version::PerRequest, Some(meta)) => plain_request_meta(meta),
        (Version::PerRequest, None) => false,
    };
    if !meta_ok {
        return None;
    }
    let arguments = params.get("arguments").filter(|a| a.is_object())?;
    let args = QueryArgs::deserialize(arguments).ok()?;
    Some((id, args))
}

/// A `_meta` object with at most a progress token (clients such as rmcp's send one with every
/// call; `query` sends no progress, so the reply is the same) and the keys in `also`.
fn plain_meta(meta: &Value, also: &[&str]) -> bool {
    meta.as_object().is_some_and(|meta| {
        meta.iter().all(|(k, v)| {
            (k == "progressToken" && (v.is_string() || v.is_i64() || v.is_u64()))
                || also.contains(&k.as_str())
        })
    })
}

/// A 2026-07-28 request's `_meta`: its protocol version (the header's), the client's
/// capabilities as rmcp reads them, optionally the client's info and a progress token; nothing
/// else (a log level, for one, asks for what rmcp's service provides).
fn plain_request_meta(meta: &Value) -> bool {
    const VERSION: &str = "io.modelcontextprotocol/protocolVersion";
    const CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
    const INFO: &str = "io.modelcontextprotocol/clientInfo";
    if !plain_meta(meta, &[VERSION, CAPABILITIES, INFO]) {
        return false;
    }
    let Some(meta) = meta.as_object() else {
        return false;
    };
    meta.get(VERSION).and_then(Value::as_str) == Some(PER_REQUEST_VERSION)
        && meta.get(CAPABILITIES).is_some_and(|c| {
            c.is_object() && rmcp::model::ClientCapabilities::deserialize(c).is_ok()
        })
        && meta
            .get(INFO)
            .is_none_or(|i| rmcp::model::Implementation::deserialize(i).is_ok())
}

/// `Accept` lists both media types plainly (no parameters, so no zero weight).
fn accepts_json_and_sse(headers: &HeaderMap) -> bool {
    let mut json = false;
    let mut sse = false;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        for item in value.split(',').map(str::trim) {
            json |= item.eq_ignore_ascii_case("application/json");
            sse |= item.eq_ignore_ascii_case("text/event-stream");
        }
    }
    json && sse
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split_once(';')
                .map_or(v, |(essence, _)| essence)
                .trim()
                .eq_ignore_ascii_case("application/json")
        })
}

/// The protocol family the `MCP-Protocol-Version` and other `Mcp-*` headers say, if this
/// path takes it: a session version with no other `Mcp-*` header, or 2026-07-28 with exactly
/// `Mcp-Method: tools/call` and `Mcp-Name: query`.
fn protocol_headers(headers: &HeaderMap) -> Option<Version> {
    let one = |name: &str| -> Result<Option<&str>, ()> {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(v), None) => v.to_str().map(Some).map_err(drop),
            _ => Err(()),
        }
    };
    let version = one("mcp-protocol-version").ok()?;
    let method = one("mcp-method").ok()?;
    let name = one("mcp-name").ok()?;
    let others = headers.keys().any(|k| {
        let k = k.as_str();
        k.starts_with("mcp-") && !matches!(k, "mcp-protocol-version" | "mcp-method" | "mcp-name")
    });
    if others {
        return None;
    }
    match (version, method, name) {
        (None, None, None) => Some(Version::Session),
        (Some(v), None, None) if SESSION_VERSIONS.contains(&v) => Some(Version::Session),
        (Some(PER_REQUEST_VERSION), Some("tools/call"), Some("query")) => Some(Version::PerRequest),
        _ => None,
    }
}

/// A Host value in its plain form: a lowercase name or IPv4 address, or a bracketed IPv6
/// address, with an optional decimal port. Anything else is `None`.
fn plain_authority(value: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        if !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':') || addr.is_empty() {
            return None;
        }
        (addr, after)
    } else {
        let end = value.find(':').unwrap_or(value.len());
        let (name, after) = value.split_at(end);
        let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
        if name.is_empty() || !name.chars().all(plain) {
            return None;
        }
        (name, after)
    };
    let port = match port {
        "" => None,
        p => {
            let digits = p.strip_prefix(':')?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(digits.parse().ok()?)
        }
    };
    Some((host.to_ascii_lowercase(), port))
}

/// An allowed-hosts entry (`localhost`, `::1`, `[::1]:8080`, `example.com:443`) as the
/// (host, port) pairs `host_allowed` compares with.
fn allowed_entry(entry: &str) -> Option<(String, Option<u16>)> {
    let entry = entry.trim().to_ascii_lowercase();
    if entry.matches(':').count() > 1 && !entry.starts_with('[') {
        // a bare IPv6 address
        return plain_authority(&format!("[{entry}]"));
    }
    plain_authority(&entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_are_read() {
        assert_eq!(
            plain_authority("localhost:8080"),
            Some(("localhost".into(), Some(8080)))
        );
        assert_eq!(plain_authority("[::1]:80"), Some(("::1".into(), Some(80))));
        assert_eq!(
            plain_authority("127.0.0.1"),
            Some(("127.0.0.1".into(), None))
        );
        for odd in [
            "LOCALHOST",
            "localhost.:80x",
            "localhost:",
            "localhost:99999",
            "user@localhost",
            "localhost:80@evil",
            "evil.com#localhost",
            "[::1",
            "[]:80",
            "",
            "localhost:+80",
        ] {
            assert_eq!(plain_authority(odd), None, "{odd}");
        }
        assert_eq!(allowed_entry("::1"), Some(("::1".into(), None)));
        assert_eq!(
            allowed_entry("Example.com:443"),
            Some(("example.com".into(), Some(443)))
        );
    }

    #[test]
    fn only_plain_query_calls_are_taken() {
        let call = |v: Value| query_call(&v, Version::Session).is_some();
        assert!(call(
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "query", "arguments": {"sql": "SELECT 1"}}})
        ));
        assert!(call(
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "query", "arguments": {"sql": "SELECT 1"},
                       "_meta": {"progressToken": 3}}})
        ));
        for other in [
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "query", "arguments": {"sql": "SELECT 1"},
                           "_meta": {"progressToken": 3, "io.modelcontextprotocol/logLevel": "debug"}}}),
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "query", "arguments": {"sql": "SELECT 1"},
                           "_meta": {"progressToken": [1]}}}),
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "list_tables", "arguments": {}}}),
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "query", "arguments": {"sql": 5}}}),
            serde_json::json!({"jsonrpc": "2.0", "id": 1.5, "method": "tools/call",
                "params": {"name": "query", "arguments": {"sql": "SELECT 1"}}}),
            serde_json::json!({"jsonrpc": "2.0", "method": "tools/call",
                "params": {"name": "query", "arguments": {"sql": "SELECT 1"}}}),
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "query"}}),
        ] {
            assert!(!call(other.clone()), "{other}");
        }
        let meta = |m: Value| {
            let v = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "query", "arguments": {"sql": "SELECT 1"}, "_meta": m}});
            query_call(&v, Version::PerRequest).is_some()
        };
        let version = "io.modelcontextprotocol/protocolVersion";
        let caps = "io.modelcontextprotocol/clientCapabilities";
        assert!(meta(serde_json::json!({version: "2026-07-28", caps: {}})));
        assert!(meta(
            serde_json::json!({version: "2026-07-28", caps: {}, "progressToken": "p"})
        ));
        for other in [
            serde_json::json!({version: "2026-07-28"}),
            serde_json::json!({version: "2025-06-18", caps: {}}),
            serde_json::json!({version: "2026-07-28", caps: {}, "progressToken": {}}),
            serde_json::json!({version: "2026-07-28", caps: {}, "io.modelcontextprotocol/logLevel": "info"}),
            serde_json::json!({version: "2026-07-28", caps: 5}),
            serde_json::json!("2026-07-28"),
        ] {
            assert!(!meta(other.clone()), "{other}");
        }
    }

    #[test]
    fn only_known_protocol_headers_are_taken() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(*k, axum::http::HeaderValue::from_static(v));
            }
            protocol_headers(&h)
        };
        assert_eq!(headers(&[]), Some(Version::Session));
        assert_eq!(
            headers(&[("mcp-protocol-version", "2025-06-18")]),
            Some(Version::Session)
        );
        assert_eq!(
            headers(&[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "query")
            ]),
            Some(Version::PerRequest)
        );
        for odd in [
            &[("mcp-protocol-version", "2026-07-28")][..],
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
            ][..],
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "=?base64?cXVlcnk=?="),
            ][..],
            &[
                ("mcp-protocol-version", "2025-06-18"),
                ("mcp-method", "tools/call"),
            ][..],
            &[
                ("mcp-protocol-version", "2025-06-18"),
                ("mcp-protocol-version", "2025-06-18"),
            ][..],
            &[("mcp-protocol-version", "2099-01-01")][..],
            &[("mcp-session-id", "x")][..],
            &[("mcp-param-sql", "x")][..],
        ] {
            assert_eq!(headers(odd), None, "{odd:?}");
        }
    }
}
