//! `list_tables`: the tables and views the role may query.

use rmcp::RoleServer;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::service::RequestContext;

use crate::db::schema::TableSummary;
use crate::mcp::call::{Call, Target};
use crate::mcp::{Sqlwarden, ToolError};
use crate::sql::QualifiedName;

#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
pub struct ListTablesArgs {
    /// Database; default if omitted.
    pub database: Option<String>,
    /// Only this schema.
    pub schema: Option<String>,
    /// Name filter: substring, or glob with * and ?.
    pub pattern: Option<String>,
}

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct ListTablesOutput {
    pub database: String,
    #[schemars(with = "String")]
    pub dialect: crate::dialect::Dialect,
    /// The server's version, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub tables: Vec<TableSummary>,
}

pub(crate) async fn run(
    server: &Sqlwarden,
    args: ListTablesArgs,
    ctx: RequestContext<RoleServer>,
) -> CallToolResult {
    let mut call = Call::open(server, &ctx, "list_tables");
    let result = list(&mut call, args).await;
    call.finish(result).await
}

async fn list(call: &mut Call, args: ListTablesArgs) -> Result<(CallToolResult, u64), ToolError> {
    let Target { db, role, .. } = call.target(args.database.as_deref()).await?;
    // Listing re-reads the catalog, so tables created since start become queryable.
    let _ = db.refresh_catalog().await;
    let role = db.schema.load().role(&role.name).cloned().unwrap_or(role);
    let tables: Vec<TableSummary> = crate::db::schema::list_tables(&db, args.schema.as_deref())
        .await?
        .into_iter()
        .filter_map(|mut t| {
            let access = role.access(&QualifiedName::new(t.schema.clone(), t.name.clone()))?;
            // A row filter makes the table's total row count someone else's data.
            if access.has_filter() {
                t.estimated_rows = None;
            }
            Some(t)
        })
        .filter(|t| {
            args.pattern
                .as_deref()
                .is_none_or(|p| name_matches(p, &t.name))
        })
        .collect();
    let text = format!("database {}: {}\n{}", db.name, db.engine(), render(&tables));
    let out = ListTablesOutput {
        database: db.name.clone(),
        dialect: db.dialect,
        version: db.schema.load().version.clone(),
        tables,
    };
    let count = out.tables.len() as u64;
    let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
    r.structured_content = serde_json::to_value(&out).ok();
    Ok((r, count))
}

fn render(tables: &[TableSummary]) -> String {
    if tables.is_empty() {
        return "no tables match".into();
    }
    let mut out = String::new();
    for t in tables {
        out.push_str(&format!("{}.{} ({}", t.schema, t.name, t.kind));
        if let Some(n) = t.estimated_rows {
            out.push_str(&format!(", ~{n} rows"));
        }
        out.push(')');
        if let Some(c) = &t.comment {
            out.push_str(" -- ");
            out.push_str(&c.replace('\n', " "));
        }
        out.push('\n');
    }
    out
}

/// Case-insensitive substring match, or a glob with `*`/`%` and `?`/`_`.
fn name_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    if !p.iter().any(|c| matches!(c, '*' | '%' | '?' | '_')) {
        return name.to_lowercase().contains(&pattern.to_lowercase());
    }
    // Iterative glob with backtracking on the last star.
    let (mut pi, mut ni, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while ni < n.len() {
        match p.get(pi) {
            Some('*' | '%') => {
                star = Some(pi);
                mark = ni;
                pi += 1;
            }
            Some(c) if *c == '?' || *c == '_' || *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ni = mark;
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| matches!(c, '*' | '%'))
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn patterns() {
        assert!(name_matches("order", "order_lines"));
        assert!(name_matches("ORD*", "orders"));
        assert!(name_matches("*lines", "order_lines"));
        assert!(!name_matches("cust*", "orders"));
        assert!(name_matches("o?ders", "orders"));
    }
}
