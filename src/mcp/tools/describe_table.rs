//! `describe_table`: columns, keys and indexes of one table the role may query.

use std::time::Instant;

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, ContentBlock};

use crate::db::schema::TableDescription;
use crate::mcp::{Sqlwarden, ToolError, request_id};
use crate::sql::{Denial, Rule, parse_table_name};

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct DescribeTableArgs {
    /// Table or view, optionally schema-qualified.
    pub table: String,
    /// Database; default if omitted.
    pub database: Option<String>,
}

pub(crate) async fn run(
    server: &Sqlwarden,
    args: DescribeTableArgs,
) -> Result<CallToolResult, McpError> {
    let started = Instant::now();
    let id = request_id();
    let db = server.state.database(args.database.as_deref())?;
    let policy = &server.state.policy;
    let not_visible = || {
        ToolError::Denied(Denial::new(
            Rule::TableNotGranted,
            format!(
                "table {} does not exist or is not granted to role {}; call list_tables to see the tables you may query",
                args.table, policy.name
            ),
        ))
    };
    if let Err(e) = db.ensure_catalog().await {
        return Ok(super::query::finish(
            server,
            &id,
            "describe_table",
            started,
            Err(e.into()),
        ));
    }
    let catalog = db.catalog.load();
    let resolved = parse_table_name(db.dialect, args.table.trim())
        .and_then(|parts| catalog.resolve(&parts).map(|t| t.name.clone()))
        .filter(|name| policy.table_granted(name));
    let result = match resolved {
        None => Err(not_visible()),
        Some(name) => crate::db::schema::describe_table(db, &name)
            .await
            .map_err(ToolError::from)
            .map(|d| {
                let text = render(&d);
                let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
                r.structured_content = serde_json::to_value(&d).ok();
                (r, d.columns.len() as u64)
            }),
    };
    Ok(super::query::finish(
        server,
        &id,
        "describe_table",
        started,
        result,
    ))
}

fn render(d: &TableDescription) -> String {
    let mut out = format!("{}.{} ({})", d.schema, d.name, d.kind);
    if let Some(c) = &d.comment {
        out.push_str(&format!(" -- {}", c.replace('\n', " ")));
    }
    out.push_str("\ncolumns:\n");
    for c in &d.columns {
        out.push_str(&format!("  {} {}", c.name, c.type_name));
        if !c.nullable {
            out.push_str(" not null");
        }
        if let Some(def) = &c.default {
            out.push_str(&format!(" default {def}"));
        }
        if let Some(com) = &c.comment {
            out.push_str(&format!(" -- {}", com.replace('\n', " ")));
        }
        out.push('\n');
    }
    if !d.primary_key.is_empty() {
        out.push_str(&format!("primary key: ({})\n", d.primary_key.join(", ")));
    }
    for fk in &d.foreign_keys {
        out.push_str(&format!(
            "foreign key: ({}) -> {}({})\n",
            fk.columns.join(", "),
            fk.references_table,
            fk.references_columns.join(", ")
        ));
    }
    for ix in &d.indexes {
        out.push_str(&format!(
            "index: {}{} ({})\n",
            ix.name,
            if ix.unique { " unique" } else { "" },
            ix.columns.join(", ")
        ));
    }
    out
}
