//! The layers around `/mcp` that refuse at the HTTP level. Outermost, [`guard`]: bounds the
//! declared body length (413) and writes the audit record of every request refused at the HTTP
//! level (401 and 429 from authentication, 403 from Host/Origin validation, 413), which never
//! reach a tool and so are recorded nowhere else. Inside authentication, [`json_rpc_shape`]:
//! answers a body that is not one JSON-RPC message with the JSON-RPC error for it (400 with
//! -32700 or -32600) instead of the
//! transport's plain-text refusal. Params of known methods are checked for every transport
//! alike, in `mcp::jsonrpc`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::audit::{AuditRecord, Decision};
use crate::auth::Principal;
use crate::mcp::AppState;

/// The largest request body accepted. A statement is at most `max_sql_length` (100 kB by
/// default); JSON-RPC framing and parameters fit well within this.
pub(crate) const MAX_BODY_BYTES: usize = 4 << 20;

pub(crate) async fn guard(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
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
    let code = match response.status() {
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        _ => return response,
    };
    let mut record = AuditRecord::new(&crate::mcp::request_id(), "http", "http", Decision::Deny);
    record.client = client;
    record.code = Some(code.to_string());
    record.http_status = Some(i64::from(response.status().as_u16()));
    if let Some(p) = response.extensions().get::<Arc<Principal>>() {
        record.principal = Some(p.name.clone());
        record.role = Some(p.role.clone());
        record.token_id = p.token_id.clone();
    }
    record.duration_us = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
    // The refusal stands whether or not its record could be written (a lost one is counted).
    let _ = state.auditor.record(record).await;
    response
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
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Err(_) => return too_large(),
        Ok(bytes) => bytes,
    };
    let message = match parse(&bytes) {
        Err(refusal) => return refusal.into_response(),
        Ok(message) => message,
    };
    if let Some(response) = direct.serve(&parts, &message).await {
        return response;
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
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

/// A body that is not one JSON-RPC message: the JSON-RPC error code and message for it.
struct NotJsonRpc(i64, String);

impl IntoResponse for NotJsonRpc {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": {"code": self.0, "message": self.1},
        });
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// The body as one JSON-RPC message, or why it is not one.
fn parse(body: &[u8]) -> Result<serde_json::Value, NotJsonRpc> {
    let error = |code: i64, message: String| Err(NotJsonRpc(code, message));
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            return error(-32700, "Parse error: the request body is empty".into());
        }
        Err(e) => {
            return error(
                -32700,
                format!("Parse error: the request body is not JSON: {e}"),
            );
        }
    };
    let serde_json::Value::Object(message) = &value else {
        return match value {
            serde_json::Value::Array(_) => error(
                -32600,
                "Invalid Request: batches are not supported; send one JSON-RPC message per request"
                    .into(),
            ),
            _ => error(
                -32600,
                "Invalid Request: the body must be a JSON-RPC object".into(),
            ),
        };
    };
    if message.get("jsonrpc").and_then(|v| v.as_str()) != Some("2.0") {
        return error(
            -32600,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"".into(),
        );
    }
    match (message.get("method"), message.get("id")) {
        (Some(m), _) if !m.is_string() => error(
            -32600,
            "Invalid Request: \"method\" must be a string".into(),
        ),
        (Some(_), Some(id)) if !(id.is_string() || id.is_i64() || id.is_u64()) => error(
            -32600,
            "Invalid Request: \"id\" must be a string or an integer (omit it for a notification)"
                .into(),
        ),
        _ => Ok(value),
    }
}
