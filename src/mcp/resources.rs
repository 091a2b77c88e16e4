//! The role-visible schema as MCP resources.
//!
//! Input: the caller's principal. Output: `resources/list` (one `schema://{database}/{table}`
//! per table the role may query, and `template://{name}` per template it may run),
//! `resources/templates/list` (`schema://{database}/{table}`), and `resources/read`, whose
//! schema read is exactly `describe_table` for the caller (same governed path, hidden columns
//! absent, one audit record). A table the role may not query reads as "not found", the same
//! answer as a table that does not exist.

use rmcp::model::{
    CacheScope, CallToolResult, ListResourceTemplatesResult, ListResourcesResult,
    ReadResourceRequestParams, ReadResourceResult, Resource, ResourceContents, ResourceTemplate,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};

use super::Sqlwarden;
use super::call::{Call, Caller, principal_of};
use super::error::ToolError;
use super::tools::DescribeTableArgs;

const SCHEMA: &str = "schema://";
const TEMPLATE: &str = "template://";

pub(crate) async fn list(
    server: &Sqlwarden,
    ctx: &RequestContext<RoleServer>,
) -> ListResourcesResult {
    let Some(principal) = principal_of(server, ctx) else {
        return ListResourcesResult::with_all_items(vec![]);
    };
    let mut out = Vec::new();
    for (db, tables) in super::view::everywhere(&server.state.databases, &principal.role).await {
        for t in &tables {
            let short = t.short_name(&db);
            let r = Resource::new(
                format!("{SCHEMA}{}/{short}", db.name),
                format!("{}.{short}", db.name),
            )
            .with_description(format!(
                "{} {short} in database {}: columns, keys and indexes your role may see",
                if t.is_view { "View" } else { "Table" },
                db.name
            ))
            .with_mime_type("text/plain");
            out.push(r);
        }
    }
    let registry = server.state.registry.load();
    for t in registry.templates.for_role(&principal.role) {
        let r = Resource::new(
            format!("{TEMPLATE}{}", t.name),
            format!("template {}", t.name),
        )
        .with_description(format!("SQL and parameters of the {} tool", t.name))
        .with_mime_type("text/plain");
        out.push(r);
    }
    let mut result = ListResourcesResult::with_all_items(out);
    result.cache_scope = Some(CacheScope::Private);
    result
}

pub(crate) fn templates() -> ListResourceTemplatesResult {
    let t = ResourceTemplate::new(format!("{SCHEMA}{{database}}/{{table}}"), "table schema")
        .with_description(
            "Columns, keys and indexes of one table your role may query (what describe_table returns)",
        )
        .with_mime_type("text/plain");
    ListResourceTemplatesResult::with_all_items(vec![t])
}

pub(crate) async fn read(
    server: &Sqlwarden,
    request: ReadResourceRequestParams,
    ctx: &RequestContext<RoleServer>,
) -> Result<ReadResourceResult, McpError> {
    let uri = request.uri.clone();
    if let Some(name) = uri.strip_prefix(TEMPLATE) {
        let read = read_template(server, &uri, name, ctx);
        // one record per read: a template's text needs no database, so it is recorded here
        match &read {
            Ok(r) => {
                let call = Call::open_method(server, ctx, "resources/read", &uri);
                // (the record counts the reply's bytes from its text)
                let text = serde_json::to_string(&r.contents).unwrap_or_default();
                let shown = CallToolResult::success(vec![rmcp::model::ContentBlock::text(text)]);
                let recorded = call.finish(Ok((shown, 0))).await;
                // fail closed: a read whose record cannot be written is not answered
                if recorded.is_error == Some(true) {
                    return Err(McpError::internal_error(super::said(&recorded), None));
                }
            }
            Err(_) => refused(server, ctx, &uri).await,
        }
        return read;
    }
    let Some((database, table)) = uri.strip_prefix(SCHEMA).and_then(|r| r.split_once('/')) else {
        refused(server, ctx, &uri).await;
        return Err(McpError::resource_not_found(
            format!(
                "unknown resource {}: use schema://{{database}}/{{table}} or template://{{name}}",
                super::error::shown(&uri)
            ),
            None,
        ));
    };
    // one record for the read, through the same governed path as describe_table
    let mut call = Call::open_method(server, ctx, "resources/read", &uri);
    let args = DescribeTableArgs {
        table: table.to_string(),
        database: Some(database.to_string()),
    };
    let described = super::tools::describe_table::describe(&mut call, args, &ctx.ct).await;
    // a table the role may not read is no resource; a read that could not be answered now
    // (rate limit, database down, ...) says so, with its code, to be tried again
    let not_found = matches!(
        &described,
        Err(ToolError::Denied(_) | ToolError::Unauthorized(_) | ToolError::Database { .. })
    );
    let code = described.as_ref().err().map(ToolError::code);
    let result = call.finish(described).await;
    let text = super::said(&result);
    if result.is_error == Some(true) {
        return Err(match code {
            Some(code) if !not_found => {
                McpError::internal_error(text, Some(serde_json::json!({ "code": code })))
            }
            _ => McpError::resource_not_found(text, None),
        });
    }
    let mut out = ReadResourceResult::new(vec![
        ResourceContents::text(text, uri).with_mime_type("text/plain"),
    ]);
    out.cache_scope = Some(CacheScope::Private);
    Ok(out)
}

/// The record of a read that names no resource the caller may read.
async fn refused(server: &Sqlwarden, ctx: &RequestContext<RoleServer>, uri: &str) {
    Call::refused(
        server,
        Caller::of(server, ctx),
        "resources/read",
        uri,
        "resource_not_found",
    )
    .await;
}

/// A template's SQL and parameters, for roles that may run it.
fn read_template(
    server: &Sqlwarden,
    uri: &str,
    name: &str,
    ctx: &RequestContext<RoleServer>,
) -> Result<ReadResourceResult, McpError> {
    let role = principal_of(server, ctx)
        .map(|p| p.role.clone())
        .unwrap_or_default();
    let registry = server.state.registry.load();
    let Some(t) = registry.templates.get(name).filter(|t| t.allows(&role)) else {
        return Err(McpError::resource_not_found(
            format!("no template {}", super::error::shown(name)),
            None,
        ));
    };
    let mut text = format!("template {}: {}\n", t.name, t.description);
    for p in &t.params {
        text.push_str(&format!(
            "param :{} {}{} -- {}\n",
            p.name,
            p.expects(),
            if p.required { ", required" } else { "" },
            p.description
        ));
    }
    text.push_str(&format!(
        "sql (governed for your role when it runs):\n{}\n",
        t.sql.trim()
    ));
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(text, uri.to_string()).with_mime_type("text/plain"),
    ]))
}
