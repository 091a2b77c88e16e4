//! One view of what a role may see: the tables and columns it can query in each database.
//!
//! Input: the caller's role and the databases' compiled roles. Output: [`VisibleTable`]s,
//! for prompts (a compact schema), resources (one per table) and completion (names). Built
//! only from the role's compiled access, so nothing hidden from the role can appear.

use std::sync::Arc;

use crate::db::Database;
use crate::sql::QualifiedName;

/// A table or view as the role sees it.
#[derive(Debug, Clone)]
pub(crate) struct VisibleTable {
    pub(crate) name: QualifiedName,
    /// (column, type) of the visible columns, in table order.
    pub(crate) columns: Vec<(String, String)>,
    pub(crate) is_view: bool,
    /// The role sees only some rows.
    pub(crate) filtered: bool,
}

impl VisibleTable {
    /// `customers`, or `sales.customers` outside the dialect's default schema.
    pub(crate) fn short_name(&self, db: &Database) -> String {
        if self.name.schema == db.dialect.default_schema() {
            self.name.name.clone()
        } else {
            format!("{}.{}", self.name.schema, self.name.name)
        }
    }
}

/// The tables `role` may query in `db`, sorted by name (reads the catalog if not read yet).
pub(crate) async fn visible(db: &Database, role: &str) -> Vec<VisibleTable> {
    if db.ensure_catalog().await.is_err() {
        return vec![];
    }
    let schema = db.schema.load();
    let Some(compiled) = schema.role(role) else {
        return vec![];
    };
    let mut out: Vec<VisibleTable> = compiled
        .tables
        .iter()
        .filter_map(|(name, access)| {
            let table = schema.catalog.get(&name.schema, &name.name)?;
            let columns = access
                .visible
                .iter()
                .map(|c| {
                    let ty = table.column_type(c).unwrap_or("").to_ascii_lowercase();
                    (c.clone(), ty)
                })
                .collect();
            Some(VisibleTable {
                name: name.clone(),
                columns,
                is_view: table.is_view,
                filtered: access.has_filter(),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.name.schema, &a.name.name).cmp(&(&b.name.schema, &b.name.name)));
    out
}

/// Every database with what `role` sees of it.
pub(crate) async fn everywhere(
    databases: &[Arc<Database>],
    role: &str,
) -> Vec<(Arc<Database>, Vec<VisibleTable>)> {
    let mut out = Vec::new();
    for db in databases {
        let tables = visible(db, role).await;
        out.push((db.clone(), tables));
    }
    out
}

/// At most this many tables in a compact schema (a prompt is context the model pays for).
const MAX_TABLES: usize = 150;

/// A compact schema for a model: one line per table, `name(col type, ...)`.
pub(crate) fn compact(views: &[(Arc<Database>, Vec<VisibleTable>)]) -> String {
    let mut out = String::new();
    let total: usize = views.iter().map(|(_, t)| t.len()).sum();
    let mut shown = 0;
    for (db, tables) in views {
        if tables.is_empty() {
            continue;
        }
        out.push_str(&format!("database {} ({}):\n", db.name, db.engine()));
        for t in tables {
            if shown == MAX_TABLES {
                break;
            }
            shown += 1;
            let cols: Vec<String> = t
                .columns
                .iter()
                .map(|(c, ty)| {
                    if ty.is_empty() {
                        c.clone()
                    } else {
                        format!("{c} {ty}")
                    }
                })
                .collect();
            out.push_str(&format!("  {}({})", t.short_name(db), cols.join(", ")));
            let mut notes = Vec::new();
            if t.is_view {
                notes.push("view");
            }
            if t.filtered {
                notes.push("rows limited for your role");
            }
            if !notes.is_empty() {
                out.push_str(&format!(" -- {}", notes.join("; ")));
            }
            out.push('\n');
        }
    }
    if total > shown {
        out.push_str(&format!(
            "... and {} more tables: call list_tables (with a pattern) to find them\n",
            total - shown
        ));
    }
    if out.is_empty() {
        out.push_str("(no tables are visible to your role)\n");
    }
    out
}
