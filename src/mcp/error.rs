//! ToolError: the one boundary type that maps every stage's failure to a stable code.
//!
//! Rendered as a tool result with `isError: true`, a one-line text for the model and
//! `structuredContent.error = {code, message, rule?, sqlstate?, request_id}`. The caller sees
//! safe text; the log gets the cause.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::json;

use crate::db::DbError;
use crate::sql::{Denial, GovernError};

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("{0}")]
    Parse(String),
    #[error("{}", .0.message)]
    Denied(Denial),
    #[error("{0}")]
    Timeout(String),
    #[error("{message}")]
    Database {
        sqlstate: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Unavailable(String),
    #[error("the call was cancelled")]
    Cancelled,
    #[error("{0}")]
    Unauthorized(String),
    #[error("{message}; retry in {retry_after_ms} ms")]
    RateLimited {
        message: String,
        retry_after_ms: u64,
    },
    #[error("internal error")]
    Internal(String),
}

impl ToolError {
    /// The stable machine code (DESIGN.md).
    pub fn code(&self) -> &'static str {
        match self {
            ToolError::Parse(_) => "parse_error",
            ToolError::Denied(_) => "policy_denied",
            ToolError::Timeout(_) => "timeout",
            ToolError::Database { .. } => "database_error",
            ToolError::Unavailable(_) => "unavailable",
            ToolError::Cancelled => "cancelled",
            ToolError::Unauthorized(_) => "unauthorized",
            ToolError::RateLimited { .. } => "rate_limited",
            ToolError::Internal(_) => "internal",
        }
    }

    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ToolError::Denied(d) => Some(d.rule.as_str()),
            _ => None,
        }
    }

    /// The tool result the client sees.
    pub fn into_result(self, request_id: &str) -> CallToolResult {
        let code = self.code();
        let message = match &self {
            ToolError::Internal(_) => format!("internal error (request id {request_id})"),
            other => other.to_string(),
        };
        let mut error = json!({ "code": code, "message": message, "request_id": request_id });
        let text = match &self {
            ToolError::Denied(d) => {
                error["rule"] = json!(d.rule.as_str());
                format!("{code} ({}): {message}", d.rule)
            }
            ToolError::RateLimited { retry_after_ms, .. } => {
                error["retry_after_ms"] = json!(retry_after_ms);
                format!("{code}: {message}")
            }
            ToolError::Database {
                sqlstate: Some(s), ..
            } => {
                error["sqlstate"] = json!(s);
                format!("{code} (SQLSTATE {s}): {message}")
            }
            _ => format!("{code}: {message}"),
        };
        let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
        result.structured_content = Some(json!({ "error": error }));
        result
    }
}

impl From<crate::limits::Limited> for ToolError {
    fn from(e: crate::limits::Limited) -> Self {
        ToolError::RateLimited {
            retry_after_ms: u64::try_from(e.retry_after().as_millis())
                .unwrap_or(u64::MAX)
                .max(1),
            message: e.to_string(),
        }
    }
}

impl From<GovernError> for ToolError {
    fn from(e: GovernError) -> Self {
        match e {
            GovernError::Parse(m) => ToolError::Parse(m),
            GovernError::Denied(d) => ToolError::Denied(d),
        }
    }
}

impl From<DbError> for ToolError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Database { code, message } => {
                if code.as_deref() == Some("57014") {
                    ToolError::Timeout(
                        "the statement exceeded the statement timeout and was cancelled; narrow the query or aggregate".into(),
                    )
                } else {
                    ToolError::Database {
                        sqlstate: code,
                        message,
                    }
                }
            }
            DbError::Timeout(d) => ToolError::Timeout(format!(
                "the statement ran longer than {} ms and was cancelled; narrow the query or aggregate",
                d.as_millis()
            )),
            DbError::Cancelled => ToolError::Cancelled,
            DbError::Unavailable(m) | DbError::Busy(m) => ToolError::Unavailable(m),
            DbError::Internal(m) => ToolError::Internal(m),
        }
    }
}

/// A name the caller sent (a resource URI, a prompt or template name), as an error repeats
/// it: at most 200 bytes, so an error is never a copy of a huge request.
pub(crate) fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 200;
    if name.len() <= MAX {
        return name.into();
    }
    let mut end = MAX;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &name[..end], name.len()).into()
}
