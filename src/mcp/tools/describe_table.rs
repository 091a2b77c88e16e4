//! `describe_table`: columns, keys and indexes of one table the role may query.

use rmcp::RoleServer;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::service::RequestContext;

use crate::db::schema::TableDescription;
use crate::dialect::Dialect as SqlDialect;
use crate::mcp::call::{Call, Target};
use crate::mcp::{Sqlwarden, ToolError};
use crate::sql::{
    CompiledRole, Denial, Dialect, QualifiedName, Rule, TableAccess, parse_table_name,
};

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct DescribeTableArgs {
    /// Table or view, optionally schema-qualified.
    pub table: String,
    /// Database; default if omitted.
    pub database: Option<String>,
}

/// What `describe_table` returns: the table, and which database and dialect it is in.
#[derive(Debug, serde::Serialize)]
pub(crate) struct DescribeTableOutput {
    pub database: String,
    pub dialect: SqlDialect,
    /// The server's version, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(flatten)]
    pub table: TableDescription,
}

pub(crate) async fn run(
    server: &Sqlwarden,
    args: DescribeTableArgs,
    ctx: RequestContext<RoleServer>,
) -> CallToolResult {
    let mut call = Call::open(server, &ctx, "describe_table");
    let result = describe(&mut call, args, &ctx.ct).await;
    call.finish(result).await
}

pub(crate) async fn describe(
    call: &mut Call,
    args: DescribeTableArgs,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<(CallToolResult, u64), ToolError> {
    let target = call.target(args.database.as_deref()).await?;
    let Target { db, schema, role } = &target;
    let not_visible = ToolError::Denied(Denial::new(
        Rule::TableNotGranted,
        format!(
            "table {} does not exist or is not granted to role {}; call list_tables to see the tables you may query",
            crate::mcp::error::shown(&args.table),
            role.name
        ),
    ));
    let resolved = parse_table_name(db.dialect, args.table.trim())
        .and_then(|parts| schema.catalog.resolve(&parts).map(|t| t.name.clone()))
        .and_then(|name| role.access(&name).cloned().map(|a| (name, a)));
    let (name, access) = resolved.ok_or(not_visible)?;
    let d = crate::db::schema::describe_table(db, &name).await?;
    let mut d = visible_part(d, &access, role, db.dialect);
    // value hints: distinct values of category columns, through the caller's row filter
    let hints =
        crate::mcp::value_hints::for_table(call, &target, &name, &access, &d.columns, cancel).await;
    for c in &mut d.columns {
        c.values = hints
            .iter()
            .find(|(col, _)| *col == c.name)
            .map(|(_, v)| v.clone());
    }
    let text = format!("database {}: {}\n{}", db.name, db.engine(), render(&d));
    let out = DescribeTableOutput {
        database: db.name.clone(),
        dialect: db.dialect,
        version: schema.version.clone(),
        table: d,
    };
    let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
    r.structured_content = serde_json::to_value(&out).ok();
    Ok((r, out.table.columns.len() as u64))
}

/// What the role may know of a table: hidden columns are absent, and so are foreign keys and
/// indexes that would reveal them or a table the role may not see.
fn visible_part(
    mut d: TableDescription,
    access: &TableAccess,
    role: &CompiledRole,
    dialect: Dialect,
) -> TableDescription {
    let eq = |a: &str, b: &str| dialect.same_name(a, b);
    let visible = |c: &str| access.visible.iter().any(|v| eq(v, c));
    d.columns.retain(|c| visible(&c.name));
    if !d.primary_key.iter().all(|c| visible(c)) {
        d.primary_key.clear();
    }
    d.foreign_keys.retain(|fk| {
        let target = fk
            .references_table
            .split_once('.')
            .map(|(s, t)| QualifiedName::new(s, t));
        let target_access = target.as_ref().and_then(|t| role.access(t));
        fk.columns.iter().all(|c| visible(c))
            && target_access.is_some_and(|ta| {
                fk.references_columns
                    .iter()
                    .all(|c| ta.visible.iter().any(|v| eq(v, c)))
            })
    });
    d.indexes.retain(|ix| ix.columns.iter().all(|c| visible(c)));
    d
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
        if let Some(values) = &c.values {
            // Values come from the database: JSON-quoted, so none can pass for structure.
            let shown: Vec<String> = values.iter().map(|v| crate::shape::quoted(v)).collect();
            out.push_str(&format!("\n    values: {}", shown.join(", ")));
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
