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
    let t = |name: &str, cols: &[&str]| CatalogTable {
        name: QualifiedName::new(schema, name),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        is_view: false,
    };
    Catalog::new(
        dialect,
        vec![schema.to_string()],
        vec![
            t(
                "customers",
                &[
                    "id",
                    "name",
                    "email",
                    "phone",
                    "national_id",
                    "birth_date",
                    "region",
                    "city",
                    "segment",
                    "created_at",
                ],
            ),
            t(
                "products",
                &["id", "sku", "name", "category", "cost", "price", "active"],
            ),
            t(
                "employees",
                &[
                    "id",
                    "name",
                    "email",
                    "title",
                    "department",
                    "manager_id",
                    "salary",
                    "hired_at",
                    "region",
                ],
            ),
            t(
                "orders",
                &[
                    "id",
                    "customer_id",
                    "employee_id",
                    "ordered_at",
                    "status",
                    "region",
                ],
            ),
            t(
                "order_lines",
                &[
                    "order_id",
                    "line_no",
                    "product_id",
                    "quantity",
                    "unit_price",
                    "discount",
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
