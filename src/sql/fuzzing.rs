//! The governance property, shared by the cargo-fuzz target (`fuzz/`) and the test suite:
//! `govern` never panics on any input, and a statement it allows re-parses and governs to
//! exactly the same SQL (the rewrite is stable, so the printed SQL means what governance saw).
//! Test and fuzz support only: it panics on purpose.
#![allow(clippy::panic)]

use super::CompiledRole;
use super::{Catalog, CatalogTable, Dialect, GovernContext, Purpose, QualifiedName, govern};
use crate::policy::Limits;

pub fn catalog(dialect: Dialect) -> Catalog {
    let schema = match dialect {
        Dialect::Postgres => "public",
        Dialect::Sqlite => "main",
    };
    // Columns with the demo's PostgreSQL types (the row-filter barrier reads them).
    let t = |name: &str, cols: &[(&str, &str)]| CatalogTable {
        name: QualifiedName::new(schema, name),
        columns: cols.iter().map(|(c, _)| c.to_string()).collect(),
        types: cols.iter().map(|(_, t)| t.to_string()).collect(),
        is_view: false,
        primary_key: cols
            .iter()
            .take(1)
            .filter(|(c, _)| *c == "id")
            .map(|(c, _)| c.to_string())
            .collect(),
    };
    const INT: &str = "integer";
    const TEXT: &str = "text";
    const MONEY: &str = "numeric";
    const DATE: &str = "date";
    const TS: &str = "timestamp without time zone";
    Catalog::new(
        dialect,
        vec![schema.to_string()],
        vec![
            t(
                "customers",
                &[
                    ("id", INT),
                    ("name", TEXT),
                    ("email", TEXT),
                    ("phone", TEXT),
                    ("national_id", TEXT),
                    ("birth_date", DATE),
                    ("region", TEXT),
                    ("city", TEXT),
                    ("segment", TEXT),
                    ("created_at", TS),
                ],
            ),
            t(
                "products",
                &[
                    ("id", INT),
                    ("sku", TEXT),
                    ("name", TEXT),
                    ("category", TEXT),
                    ("cost", MONEY),
                    ("price", MONEY),
                    ("active", "boolean"),
                ],
            ),
            t(
                "employees",
                &[
                    ("id", INT),
                    ("name", TEXT),
                    ("email", TEXT),
                    ("title", TEXT),
                    ("department", TEXT),
                    ("manager_id", INT),
                    ("salary", MONEY),
                    ("hired_at", DATE),
                    ("region", TEXT),
                ],
            ),
            t(
                "orders",
                &[
                    ("id", INT),
                    ("customer_id", INT),
                    ("employee_id", INT),
                    ("ordered_at", TS),
                    ("status", TEXT),
                    ("region", TEXT),
                ],
            ),
            t(
                "order_lines",
                &[
                    ("order_id", INT),
                    ("line_no", INT),
                    ("product_id", INT),
                    ("quantity", INT),
                    ("unit_price", MONEY),
                    ("discount", MONEY),
                ],
            ),
        ],
    )
}

/// The demo roles compiled for both dialects, built once.
fn roles() -> &'static Vec<(Dialect, Catalog, CompiledRole)> {
    static ROLES: std::sync::OnceLock<Vec<(Dialect, Catalog, CompiledRole)>> =
        std::sync::OnceLock::new();
    ROLES.get_or_init(|| {
        let files: Vec<(String, String)> = [
            ("analyst.toml", include_str!("../../policies/analyst.toml")),
            ("support.toml", include_str!("../../policies/support.toml")),
        ]
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
        let set = crate::policy::load_texts(&files, Limits::default()).unwrap_or_default();
        let mut out = Vec::new();
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let catalog = catalog(dialect);
            out.push((
                dialect,
                catalog.clone(),
                super::compile_default(Limits::default(), dialect, &catalog),
            ));
            for role in set.roles.values() {
                if let Ok(c) = super::compile(role, "main", dialect, &catalog) {
                    out.push((dialect, catalog.clone(), c.role));
                }
            }
        }
        out
    })
}

/// Check the property for one input, for every demo role on both dialects. Panics when it is
/// violated.
pub fn check(sql: &str) {
    let attrs: std::collections::BTreeMap<String, String> =
        [("region".to_string(), "north".to_string())].into();
    for (dialect, catalog, role) in roles() {
        let ctx = GovernContext {
            dialect: *dialect,
            catalog,
            policy: role,
            attrs: &attrs,
            max_sql_len: 100_000,
        };
        let purpose = Purpose::Query { max_rows: 100 };
        if let Ok(first) = govern(sql, &[], purpose, &ctx) {
            // The rewrite of a restricted role wraps tables again on a second pass, so the
            // property for those roles is: the printed SQL parses and governs (is allowed).
            match govern(first.sql(), first.params(), purpose, &ctx) {
                Ok(second) if !role.tables.values().any(|a| a.restricted()) => {
                    assert_eq!(
                        first.sql(),
                        second.sql(),
                        "rewrite is not stable for {sql:?}"
                    )
                }
                Ok(_) => {}
                Err(e) => panic!(
                    "allowed statement {sql:?} printed as {:?}, which governs to {e:?}",
                    first.sql()
                ),
            }
        }
    }
}
