//! Which predicates may run inside a fence: those that cannot raise or leak through timing on
//! rows the row filter excludes (see the parent module's doc).

use super::*;

impl<'c> Walker<'c> {
    /// Whether `e` reads only `target`'s columns and cannot raise or leak through timing on any
    /// row: safe to evaluate on rows the row filter excludes.
    pub(super) fn leakproof(&self, e: &Expr, target: &Rel<'_>, unqualified: bool) -> bool {
        let column = |x: &Expr| self.typed_column(x, target, unqualified);
        match e {
            Expr::Nested(x) => self.leakproof(x, target, unqualified),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And | BinaryOperator::Or,
                right,
            } => {
                self.leakproof(left, target, unqualified)
                    && self.leakproof(right, target, unqualified)
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => self.leakproof(expr, target, unqualified),
            Expr::BinaryOp { left, op, right }
                if is_comparison(op) && matches!(left.as_ref(), Expr::Tuple(_)) =>
            {
                self.row_constant(left, right, target, unqualified)
            }
            Expr::BinaryOp { left, op, right } if is_comparison(op) => {
                self.leakproof_comparison(left, right, target, unqualified)
            }
            Expr::IsDistinctFrom(left, right) | Expr::IsNotDistinctFrom(left, right) => {
                self.leakproof_comparison(left, right, target, unqualified)
            }
            Expr::IsNull(x) | Expr::IsNotNull(x) => column(x).is_some(),
            // A boolean column as the predicate itself (`WHERE active`, `active IS NOT TRUE`).
            Expr::IsTrue(x) | Expr::IsNotTrue(x) | Expr::IsFalse(x) | Expr::IsNotFalse(x) => {
                self.leakproof(x, target, unqualified)
            }
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => column(e).is_some_and(|ty| {
                !self.dialect.comparisons_can_raise() || ty.as_deref() == Some("boolean")
            }),
            // `(a, b) IN ((1, 2), (3, 4))`: PostgreSQL compares row values column by column,
            // each with the column type's own operator.
            Expr::InList { expr, list, .. } if matches!(expr.as_ref(), Expr::Tuple(_)) => {
                !list.is_empty()
                    && list
                        .iter()
                        .all(|row| self.row_constant(expr, row, target, unqualified))
            }
            Expr::InList { expr, list, .. } => column(expr).is_some_and(|ty| {
                !list.is_empty() && list.iter().all(|k| self.constant_for(k, ty.as_deref()))
            }),
            // `col = ANY (ARRAY[1, 2])`, `col <> ALL ('{1,2}')` (PostgreSQL): the column type's
            // own operator applied to each element.
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                self.dialect.comparisons_can_raise()
                    && is_comparison(compare_op)
                    && column(left).is_some_and(|ty| self.constant_array_for(right, ty.as_deref()))
            }
            Expr::Between {
                expr, low, high, ..
            } => column(expr).is_some_and(|ty| {
                self.constant_for(low, ty.as_deref()) && self.constant_for(high, ty.as_deref())
            }),
            _ => false,
        }
    }

    /// Two columns of one table compared with each other.
    pub(super) fn comparable(&self, a: Option<&str>, b: Option<&str>) -> bool {
        if !self.dialect.comparisons_can_raise() {
            return true;
        }
        matches!((a, b), (Some(a), Some(b)) if a == b && pg_class(a).is_some())
    }

    /// `left` compared with `right`: a column of `target` with a constant of its type or an
    /// outer query's column, or two of its columns of one type.
    fn leakproof_comparison(
        &self,
        left: &Expr,
        right: &Expr,
        target: &Rel<'_>,
        unqualified: bool,
    ) -> bool {
        let column = |x: &Expr| self.typed_column(x, target, unqualified);
        match (column(left), column(right)) {
            (Some(a), Some(b)) => self.comparable(a.as_deref(), b.as_deref()),
            (Some(ty), None) => {
                self.constant_for(right, ty.as_deref())
                    || self.outer_column_for(right, ty.as_deref(), target)
            }
            (None, Some(ty)) => {
                self.constant_for(left, ty.as_deref())
                    || self.outer_column_for(left, ty.as_deref(), target)
            }
            (None, None) => false,
        }
    }

    /// `(a, b)` (columns of `target`) against `(1, 2)`, constants of their types, position by
    /// position.
    fn row_constant(&self, cols: &Expr, row: &Expr, target: &Rel<'_>, unqualified: bool) -> bool {
        let (Expr::Tuple(cols), Expr::Tuple(values)) = (cols, row) else {
            return false;
        };
        cols.len() == values.len()
            && cols.iter().zip(values).all(|(c, v)| {
                self.typed_column(c, target, unqualified)
                    .is_some_and(|ty| self.constant_for(v, ty.as_deref()))
            })
    }

    /// An array of constants of type `ty`: `ARRAY[...]` of such constants, or a string literal
    /// (converted to the column type's array type when the query is parsed).
    fn constant_array_for(&self, k: &Expr, ty: Option<&str>) -> bool {
        match k {
            Expr::Nested(x) => self.constant_array_for(x, ty),
            Expr::Array(a) => !a.elem.is_empty() && a.elem.iter().all(|e| self.constant_for(e, ty)),
            Expr::Value(v) => {
                matches!(v.value, Value::SingleQuotedString(_)) && ty.and_then(pg_class).is_some()
            }
            _ => false,
        }
    }

    /// Whether `k` is a constant that a column of type `ty` compares with leakproof-ly.
    pub(super) fn constant_for(&self, k: &Expr, ty: Option<&str>) -> bool {
        if !self.dialect.comparisons_can_raise() {
            return sqlite_constant(k);
        }
        let Some(class) = ty.and_then(pg_class) else {
            return false;
        };
        self.pg_constant(k, class, ty.unwrap_or_default())
    }

    fn pg_constant(&self, k: &Expr, class: Class, ty: &str) -> bool {
        match k {
            // `now() - interval '30 days'` against a timestamptz column (`relative`).
            _ if class == Class::Other && self.relative_time_for(k, ty) => true,
            Expr::Nested(x) => self.pg_constant(x, class, ty),
            Expr::UnaryOp {
                op: UnaryOperator::Minus | UnaryOperator::Plus,
                expr,
            } => {
                matches!(expr.as_ref(), Expr::Value(v) if matches!(v.value, Value::Number(..)))
                    && self.pg_constant(expr, class, ty)
            }
            Expr::Value(v) => match &v.value {
                Value::Null => true,
                // An untyped string literal is converted to the column's type when the query
                // is parsed: a bad one fails before any row is read.
                Value::SingleQuotedString(_) => true,
                Value::Number(n, _) => match class {
                    Class::Integer => is_integer_literal(n),
                    Class::Float => true,
                    _ => false,
                },
                Value::Boolean(_) => class == Class::Boolean,
                Value::Placeholder(p) => self.pg_parameter(p, class),
                _ => false,
            },
            Expr::TypedString(t) => {
                matches!(t.value.value, Value::SingleQuotedString(_))
                    && pg_type_name(&t.data_type) == Some(ty)
            }
            Expr::Cast {
                kind: CastKind::Cast | CastKind::DoubleColon,
                expr,
                data_type,
                format: None,
            } => {
                let target = pg_type_name(data_type);
                let literal = matches!(expr.as_ref(), Expr::Value(v)
                    if matches!(v.value, Value::SingleQuotedString(_) | Value::Number(..)));
                literal
                    && (target == Some(ty)
                        || (class == Class::Integer
                            && target.and_then(pg_class) == Some(Class::Integer)))
            }
            _ => false,
        }
    }

    /// A caller parameter, bound with the type its JSON value gives it (`db::execute`).
    fn pg_parameter(&self, p: &str, class: Class) -> bool {
        let index = p.strip_prefix('$').and_then(|d| d.parse::<usize>().ok());
        let Some(value) = index
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.params.get(i))
        else {
            return false;
        };
        match value {
            serde_json::Value::Null => true,
            serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => {
                matches!(class, Class::Integer | Class::Float)
            }
            serde_json::Value::Number(_) => class == Class::Float,
            serde_json::Value::String(_) => class == Class::Text,
            serde_json::Value::Bool(_) => class == Class::Boolean,
            _ => false,
        }
    }
}

/// Comparisons that never raise (SQLite): any literal, parameter or cast literal will do.
fn sqlite_constant(k: &Expr) -> bool {
    match k {
        Expr::Nested(x) => sqlite_constant(x),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => matches!(expr.as_ref(), Expr::Value(v) if matches!(v.value, Value::Number(..))),
        Expr::Value(_) => true,
        Expr::TypedString(_) => true,
        Expr::Cast { expr, .. } => matches!(expr.as_ref(), Expr::Value(_)),
        Expr::Function(_) => relative::sqlite_clock(k),
        _ => false,
    }
}

/// `= <> < <= > >=`.
pub(super) fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
    )
}
