//! The outermost layer in front of `/mcp`: bounds the request body (413), and writes the audit
//! record of every request refused at the HTTP level (401 and 429 from authentication, 403 from
//! Host/Origin validation, 413 here), which never reach a tool and so are recorded nowhere else.

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
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            format!(
                r#"{{"error":"payload_too_large","error_description":"request bodies are limited to {MAX_BODY_BYTES} bytes"}}"#
            ),
        )
            .into_response()
    } else {
        // A body without a declared length is cut at the same bound.
        let req = req
            .map(|body| axum::body::Body::new(http_body_util::Limited::new(body, MAX_BODY_BYTES)));
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
