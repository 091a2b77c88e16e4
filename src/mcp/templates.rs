//! DBA query templates as MCP tools: listed only to callers whose role may run them, and run
//! as adapters over the same governed path as `query`.
//!
//! Input: the caller's principal and the current [`TemplateSet`](crate::templates::TemplateSet).
//! Output: tool definitions (a precise input schema per template, read-only annotations, the
//! `query` output schema) and tool results. Arguments are checked against the declared
//! parameters before anything runs (a refusal is `invalid_params`, naming the parameter); the
//! values are bound, never spliced; the statement is governed for the caller's role, so a
//! template never shows a role more than `query` would. A template the caller's role may not
//! run does not exist for that caller: it is neither listed nor callable.

use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject, Tool, ToolAnnotations};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::{Value, json};

use super::call::{Call, Want, principal_of};
use super::{Sqlwarden, schemas};
use crate::templates::{Param, ParamKind, Template};

/// The template tools the caller's role may run.
pub(crate) fn list(server: &Sqlwarden, ctx: &RequestContext<RoleServer>) -> Vec<Tool> {
    let Some(principal) = principal_of(server, ctx) else {
        return vec![];
    };
    let registry = server.state.registry.load();
    registry
        .templates
        .for_role(&principal.role)
        .map(tool_of)
        .collect()
}

/// Run `request` if it names a template the caller may run; `None` otherwise (the dispatcher
/// then answers as for any unknown tool).
pub(crate) async fn call(
    server: &Sqlwarden,
    request: &CallToolRequestParams,
    ctx: &RequestContext<RoleServer>,
) -> Option<Result<CallToolResult, McpError>> {
    let principal = principal_of(server, ctx)?;
    let registry = server.state.registry.load();
    let template = registry
        .templates
        .get(&request.name)
        .filter(|t| t.allows(&principal.role))?
        .clone();
    drop(registry);
    Some(
        run(
            server,
            &template,
            request.arguments.clone().unwrap_or_default(),
            ctx,
        )
        .await,
    )
}

async fn run(
    server: &Sqlwarden,
    t: &Template,
    args: JsonObject,
    ctx: &RequestContext<RoleServer>,
) -> Result<CallToolResult, McpError> {
    // arguments: checked against the declared parameters before anything runs
    let dialect = server
        .state
        .database(t.database.as_deref())
        .map(|db| db.dialect)
        .ok();
    let bound = dialect.map(|d| {
        t.numbered(d)
            .map_err(|e| e.message)
            .and_then(|n| t.bind(&args, &n.names).map(|params| (n.sql, params)))
    });
    let (sql, params) = match bound {
        Some(Err(why)) => return Err(McpError::invalid_params(why, None)),
        Some(Ok(ok)) => ok,
        // an unknown database: the governed path opens the record and says so
        None => (t.sql.clone(), vec![]),
    };
    // the request record opens before anything else can fail
    let mut call = Call::open(server, ctx, &t.name);
    let started = call.started();
    if let Some(ttl) = t.cache_ttl {
        call.cache_for(ttl);
    }
    // database -> role -> limits -> govern -> execute, as for `query`
    let rows = call
        .run_statement(
            t.database.as_deref(),
            &sql,
            &params,
            Want::Rows(t.max_rows),
            &ctx.ct,
        )
        .await;
    // shape, then close the record
    let result = rows
        .map(|(set, max_rows)| super::tools::query::shaped(set, max_rows, started, call.cached()));
    Ok(call.finish(result).await)
}

/// A template's tool definition.
fn tool_of(t: &Template) -> Tool {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for p in &t.params {
        properties.insert(p.name.clone(), param_schema(p));
        if p.required {
            required.push(Value::from(p.name.clone()));
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    let input = match schema {
        Value::Object(m) => m,
        _ => JsonObject::new(),
    };
    Tool::new(t.name.clone(), t.description.clone(), input)
        .with_raw_output_schema(schemas::query_output())
        .with_annotations(
            ToolAnnotations::new()
                .read_only(true)
                .destructive(false)
                .open_world(false),
        )
}

/// One parameter's JSON schema: type, bounds, allowed values, and a description that says
/// what the schema cannot (date bounds, timestamp format).
fn param_schema(p: &Param) -> Value {
    let mut s = serde_json::Map::new();
    let ty = match p.kind {
        ParamKind::Integer => "integer",
        ParamKind::Number => "number",
        ParamKind::Boolean => "boolean",
        _ => "string",
    };
    s.insert("type".into(), ty.into());
    let mut description = p.description.clone();
    match p.kind {
        ParamKind::Integer | ParamKind::Number => {
            if let Some(m) = p.min {
                s.insert("minimum".into(), number(m, p.kind));
            }
            if let Some(m) = p.max {
                s.insert("maximum".into(), number(m, p.kind));
            }
        }
        ParamKind::Enum => {
            s.insert("enum".into(), p.values.clone().into());
        }
        ParamKind::String => {
            if let Some(n) = p.max_length {
                s.insert("maxLength".into(), n.into());
            }
        }
        ParamKind::Date => {
            s.insert("format".into(), "date".into());
            if p.min.is_some() || p.max.is_some() {
                description = join(&description, &format!("Expected {}.", p.expects()));
            }
        }
        ParamKind::Timestamp => {
            description = join(&description, "YYYY-MM-DD HH:MM:SS.");
        }
        ParamKind::Boolean => {}
    }
    if let Some(d) = &p.default {
        s.insert("default".into(), d.clone());
    }
    if !description.is_empty() {
        s.insert("description".into(), description.into());
    }
    Value::Object(s)
}

fn number(n: f64, kind: ParamKind) -> Value {
    match kind {
        ParamKind::Integer => Value::from(n as i64),
        _ => Value::from(n),
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a} {b}")
    }
}
