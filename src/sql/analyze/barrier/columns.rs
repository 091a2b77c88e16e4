//! A PostgreSQL fence's columns, given so that the planner reads no statistics through them.
//!
//! PostgreSQL's planner estimates a predicate on a fenced column from the base table's
//! statistics, reached through the fence, and to do so calls the predicate's operator on
//! sampled values of every row, hidden ones too: `name LIKE '%Anthony Sanche%\'` raised an
//! error exactly when some other region's name held that text. A column that is no bare column
//! reference (`COALESCE(x)`, which the planner keeps) gets no statistics, as a
//! `security_barrier` view's. Types whose every such operator is leakproof (integers, floats,
//! booleans, uuids: join keys, whose statistics the planner needs) stay bare.

use sqlparser::ast::{Expr, SelectItem};

use crate::sql::names::{CatalogTable, quoted};

/// The fence's select list: `visible` columns of `table`, each not known to be safe as
/// `COALESCE("c") AS "c"` (a column of unknown type too).
pub(crate) fn statistics_blind(
    visible: &[String],
    table: Option<&CatalogTable>,
) -> Vec<SelectItem> {
    visible
        .iter()
        .map(|c| {
            let column = Expr::Identifier(quoted(c));
            if table
                .and_then(|t| t.column_type(c))
                .is_some_and(statistics_safe)
            {
                SelectItem::UnnamedExpr(column)
            } else {
                SelectItem::ExprWithAlias {
                    expr: crate::sql::rewrite::call("COALESCE", vec![column]),
                    alias: quoted(c),
                }
            }
        })
        .collect()
}

/// PostgreSQL types (as `format_type` names them) whose operators that take a bare column and
/// have a selectivity estimator are all leakproof, or whose estimators never call them on
/// statistics (`<@` of a range): safe to leave bare in a fence (see `governed_subquery`).
fn statistics_safe(type_name: &str) -> bool {
    matches!(
        type_name,
        "smallint"
            | "integer"
            | "bigint"
            | "real"
            | "double precision"
            | "boolean"
            | "uuid"
            | "oid"
    )
}
