//! The governance property, shared by the cargo-fuzz target (`fuzz/`) and the test suite:
//! `govern` never panics on any input, and a statement it allows re-parses and governs to
//! exactly the same SQL (the rewrite is stable, so the printed SQL means what governance saw).

use super::{Catalog, CatalogTable, Dialect, GovernContext, Purpose, QualifiedName, govern};
use crate::policy::{Limits, RolePolicy};

fn catalog(dialect: Dialect) -> Catalog {
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
            t("customers", &["id", "name", "email", "phone", "national_id", "birth_date", "region", "city", "segment", "created_at"]),
            t("products", &["id", "sku", "name", "category", "cost", "price", "active"]),
            t("employees", &["id", "name", "email", "title", "department", "manager_id", "salary", "hired_at", "region"]),
            t("orders", &["id", "customer_id", "employee_id", "ordered_at", "status", "region"]),
            t("order_lines", &["order_id", "line_no", "product_id", "quantity", "unit_price", "discount"]),
        ],
    )
}

/// Check the property for one input on both dialects. Panics when it is violated.
pub fn check(sql: &str) {
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let catalog = catalog(dialect);
        let policy = RolePolicy::default_role(Limits::default());
        let ctx = GovernContext { dialect, catalog: &catalog, policy: &policy, max_sql_len: 100_000 };
        let purpose = Purpose::Query { max_rows: 100 };
        if let Ok(first) = govern(sql, &[], purpose, &ctx) {
            match govern(first.sql(), &[], purpose, &ctx) {
                Ok(second) => assert_eq!(first.sql(), second.sql(), "rewrite is not stable for {sql:?}"),
                Err(e) => panic!("allowed statement {sql:?} printed as {:?}, which governs to {e:?}", first.sql()),
            }
        }
    }
}
