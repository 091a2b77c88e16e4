//! JSON-RPC errors that say what is wrong, for stdio and HTTP alike.
//!
//! Input: a request rmcp could not file under a method it types (its catch-all "custom
//! request": an unknown method, or a known one whose params do not fit), or a standard method
//! this server does not offer. Output: `-32602` naming what is missing from the params of a
//! method the server serves, or `-32601` saying whether the method is unknown, not offered, or
//! removed in the negotiated protocol revision, and listing what the server answers (rmcp's own
//! errors carry only the method's name). Never runs a tool, never echoes params.

use rmcp::model::{CustomRequest, CustomResult, ErrorCode, ProtocolVersion, ServerCapabilities};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};

use super::Sqlwarden;

/// The answer to a request rmcp filed as custom: -32602 for a served method with unreadable
/// params, else an explained -32601.
pub(crate) fn custom_request(
    handler: &Sqlwarden,
    request: &CustomRequest,
    context: &RequestContext<RoleServer>,
) -> Result<CustomResult, McpError> {
    let method = request.method.as_str();
    let modern = is_modern(context);
    let caps = handler.get_info().capabilities;
    if let Some(feature) = feature_of(method)
        && !(modern && REMOVED_IN_2026_07_28.contains(&method))
        && offered(&caps, feature)
    {
        let problem = params_problem(method, request.params.as_ref())
            .unwrap_or("params do not have the shape this method takes");
        return Err(McpError::invalid_params(
            format!("Invalid params for {method}: {problem}"),
            None,
        ));
    }
    Err(not_found(&caps, method, modern))
}

/// The -32601 for a standard method this server does not offer to this request.
pub(crate) fn not_offered(
    handler: &Sqlwarden,
    method: &str,
    context: &RequestContext<RoleServer>,
) -> McpError {
    not_found(&handler.get_info().capabilities, method, is_modern(context))
}

/// Whether the request speaks protocol revision 2026-07-28 or later.
fn is_modern(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str())
}

/// Methods the 2026-07-28 revision removed (a stateless server has no session to set up).
const REMOVED_IN_2026_07_28: &[&str] = &[
    "initialize",
    "ping",
    "logging/setLevel",
    "resources/subscribe",
    "resources/unsubscribe",
];

/// The capability a standard MCP method belongs to (`base` for the lifecycle ones), or `None`
/// for a method MCP does not define.
fn feature_of(method: &str) -> Option<&'static str> {
    Some(match method {
        "initialize" | "ping" | "server/discover" => "base",
        "tools/list" | "tools/call" => "tools",
        "prompts/list" | "prompts/get" => "prompts",
        "resources/list" | "resources/read" | "resources/templates/list" => "resources",
        "resources/subscribe" | "resources/unsubscribe" => "resource subscriptions",
        "completion/complete" => "completion",
        "logging/setLevel" => "logging",
        "subscriptions/listen" => "subscriptions",
        m if m.starts_with("tasks/") => "tasks",
        m if m.starts_with("skills/") || m == "resources/directory/read" => "skills",
        _ => return None,
    })
}

/// Whether this server's capabilities include `feature`.
fn offered(caps: &ServerCapabilities, feature: &str) -> bool {
    match feature {
        "base" => true,
        "tools" => caps.tools.is_some(),
        "prompts" => caps.prompts.is_some(),
        "resources" => caps.resources.is_some(),
        "resource subscriptions" => caps
            .resources
            .as_ref()
            .is_some_and(|r| r.subscribe == Some(true)),
        "completion" => caps.completions.is_some(),
        "logging" => caps.logging.is_some(),
        _ => false,
    }
}

/// The methods this server answers, for a `-32601` message.
fn offered_methods(caps: &ServerCapabilities, modern: bool) -> String {
    let mut methods: Vec<&str> = if modern {
        vec!["server/discover"]
    } else {
        vec!["initialize", "server/discover", "ping"]
    };
    for (feature, names) in [
        ("tools", &["tools/list", "tools/call"][..]),
        ("prompts", &["prompts/list", "prompts/get"][..]),
        (
            "resources",
            &[
                "resources/list",
                "resources/read",
                "resources/templates/list",
            ][..],
        ),
        ("completion", &["completion/complete"][..]),
        ("logging", &["logging/setLevel"][..]),
    ] {
        if offered(caps, feature) && !(modern && feature == "logging") {
            methods.extend_from_slice(names);
        }
    }
    methods.join(", ")
}

/// A -32601 that says why and what exists.
fn not_found(caps: &ServerCapabilities, method: &str, modern: bool) -> McpError {
    let why = match feature_of(method) {
        _ if modern && REMOVED_IN_2026_07_28.contains(&method) => {
            "is not part of protocol revision 2026-07-28 (use server/discover and per-request _meta)"
                .to_string()
        }
        Some(feature) if !offered(caps, feature) => {
            format!("is not offered: this server does not have the {feature} capability")
        }
        Some(_) => "is not available here".to_string(),
        None => "is not a method this server knows".to_string(),
    };
    // The caller's method name is echoed, cut short: an error message is no place for a
    // megabyte of whatever was sent.
    let shown: String = method.chars().take(80).collect();
    let method = if shown.len() < method.len() {
        format!("{shown}...")
    } else {
        shown
    };
    McpError::new(
        ErrorCode::METHOD_NOT_FOUND,
        format!(
            "Method not found: {method} {why}; it answers {}",
            offered_methods(caps, modern)
        ),
        None,
    )
}

/// What is wrong with the params of a request of a known method, if this can say it.
pub(crate) fn params_problem(
    method: &str,
    params: Option<&serde_json::Value>,
) -> Option<&'static str> {
    let object = params.and_then(serde_json::Value::as_object);
    let string = |key: &str| {
        object
            .and_then(|o| o.get(key))
            .is_some_and(|v| v.is_string())
    };
    match method {
        "tools/call" => {
            if !string("name") {
                Some("params.name (the tool's name, a string) is required")
            } else if object
                .and_then(|o| o.get("arguments"))
                .is_some_and(|a| !a.is_object() && !a.is_null())
            {
                Some("params.arguments must be an object")
            } else {
                None
            }
        }
        "initialize" => (!(string("protocolVersion")
            && object.is_some_and(|o| o.get("capabilities").is_some_and(|c| c.is_object()))
            && object.is_some_and(|o| o.get("clientInfo").is_some_and(|c| c.is_object()))))
        .then_some(
            "params needs protocolVersion (a string), capabilities and clientInfo (objects)",
        ),
        "prompts/get" => (!string("name")).then_some("params.name (the prompt's name) is required"),
        "resources/read" => {
            (!string("uri")).then_some("params.uri (the resource's URI) is required")
        }
        "completion/complete" => (!(object
            .is_some_and(|o| o.get("ref").is_some_and(|r| r.is_object()))
            && object.is_some_and(|o| o.get("argument").is_some_and(|a| a.is_object()))))
        .then_some("params needs ref and argument (objects)"),
        _ if params.is_some_and(|p| !p.is_object()) => Some("params must be an object"),
        _ => None,
    }
}

/// The largest message taken, on any transport. A statement is at most `max_sql_length`
/// (100 kB by default); JSON-RPC framing and parameters fit well within this.
pub(crate) const MAX_MESSAGE_BYTES: usize = 4 << 20;

/// A message that cannot be taken as one JSON-RPC message, and the error to answer it with.
#[derive(Debug)]
pub(crate) struct Malformed {
    /// -32700 (not JSON), -32600 (not a request) or -32602 (params not an object).
    pub(crate) code: i64,
    pub(crate) message: String,
    /// The request's id, when the message is a request whose id can be answered.
    pub(crate) id: Option<serde_json::Value>,
    /// The message is a notification (a method, no id): nothing is to be answered.
    pub(crate) notification: bool,
    /// A request of a kind that is audited (see [`audited_method`]): its refusal is recorded.
    pub(crate) audited: Option<&'static str>,
    /// The error's `data`, when it has one.
    pub(crate) data: Option<serde_json::Value>,
}

impl Malformed {
    /// The error's name in the audit trail.
    pub(crate) fn audit_code(&self) -> &'static str {
        match self.code {
            -32700 => "parse_error",
            -32602 => "invalid_params",
            _ => "invalid_request",
        }
    }
}

/// The methods every request of which leaves an audit record, refused ones included.
pub(crate) fn audited_method(method: &str) -> Option<&'static str> {
    ["tools/call", "prompts/get", "resources/read"]
        .into_iter()
        .find(|m| *m == method)
}

/// The bytes of one message (an HTTP body, a stdio line) as one JSON-RPC message, or why they
/// are not one. The same checks, and the same words, on every transport.
pub(crate) fn check_message(body: &[u8]) -> Result<serde_json::Value, Malformed> {
    let error = |code: i64, message: String| {
        Err(Malformed {
            code,
            message,
            id: None,
            notification: false,
            audited: None,
            data: None,
        })
    };
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            return error(-32700, "Parse error: the message is empty".into());
        }
        Err(e) => {
            return error(-32700, format!("Parse error: the message is not JSON: {e}"));
        }
    };
    let serde_json::Value::Object(message) = &value else {
        return match value {
            serde_json::Value::Array(_) => error(
                -32600,
                "Invalid Request: batches are not supported; send one JSON-RPC message at a time"
                    .into(),
            ),
            _ => error(
                -32600,
                "Invalid Request: a message must be a JSON-RPC object".into(),
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
        (Some(method), id)
            if message
                .get("params")
                .is_some_and(|p| !(p.is_object() || p.is_null())) =>
        {
            Err(Malformed {
                code: -32602,
                message: format!(
                    "Invalid params for {}: params must be an object (MCP passes parameters by name)",
                    method.as_str().unwrap_or_default()
                ),
                audited: id.and(method.as_str().and_then(audited_method)),
                id: id.cloned(),
                notification: id.is_none(),
                data: None,
            })
        }
        _ => Ok(value),
    }
}
