//! The size of each expression's value, and what making it adds to the row (see the parent
//! module).

use sqlparser::ast::{
    AccessExpr, BinaryOperator, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, Subscript, UnaryOperator, Value, WindowType,
};

use super::super::super::names::normalize_ident;
use super::{Growth, SCALAR, Size, last_name};

impl Growth {
    pub(super) fn exprs<'e>(&mut self, list: impl IntoIterator<Item = &'e Expr>) -> Vec<Size> {
        list.into_iter().map(|e| self.expr(e)).collect()
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Size {
        match e {
            Expr::Identifier(i) => self.column(&normalize_ident(self.dialect, i)),
            Expr::CompoundIdentifier(parts) => self.qualified(parts),
            Expr::Value(v) => match &v.value {
                Value::Placeholder(_) => Size::DATA,
                Value::Null | Value::Boolean(_) => Size::fixed(1),
                Value::SingleQuotedString(s)
                | Value::EscapedStringLiteral(s)
                | Value::NationalStringLiteral(s)
                | Value::HexStringLiteral(s)
                | Value::Number(s, _) => Size::fixed(s.len() as u64),
                Value::DollarQuotedString(d) => Size::fixed(d.value.len() as u64),
                other => Size::fixed(other.to_string().len() as u64),
            },
            Expr::TypedString(ts) => Size::fixed(ts.value.to_string().len() as u64),
            Expr::Nested(x) | Expr::Collate { expr: x, .. } | Expr::Named { expr: x, .. } => {
                self.expr(x)
            }
            Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsNull(x)
            | Expr::IsNotNull(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x)
            | Expr::IsNormalized { expr: x, .. } => {
                self.expr(x);
                Size::fixed(1)
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                self.expr(a);
                self.expr(b);
                Size::fixed(1)
            }
            Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
                self.expr(left);
                self.expr(right);
                Size::fixed(1)
            }
            Expr::InList { expr, list, .. } => {
                self.expr(expr);
                self.exprs(list);
                Size::fixed(1)
            }
            Expr::InSubquery { expr, subquery, .. } => {
                self.expr(expr);
                self.query(subquery);
                Size::fixed(1)
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                self.exprs([expr.as_ref(), low, high]);
                Size::fixed(1)
            }
            Expr::Like { expr, pattern, .. }
            | Expr::ILike { expr, pattern, .. }
            | Expr::SimilarTo { expr, pattern, .. }
            | Expr::RLike { expr, pattern, .. } => {
                self.expr(expr);
                self.expr(pattern);
                Size::fixed(1)
            }
            Expr::BinaryOp { left, op, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                match op {
                    BinaryOperator::Gt
                    | BinaryOperator::Lt
                    | BinaryOperator::GtEq
                    | BinaryOperator::LtEq
                    | BinaryOperator::Spaceship
                    | BinaryOperator::Eq
                    | BinaryOperator::NotEq
                    | BinaryOperator::And
                    | BinaryOperator::Or
                    | BinaryOperator::Xor
                    | BinaryOperator::Match
                    | BinaryOperator::Regexp
                    | BinaryOperator::Glob
                    | BinaryOperator::PGRegexMatch
                    | BinaryOperator::PGRegexIMatch
                    | BinaryOperator::PGRegexNotMatch
                    | BinaryOperator::PGRegexNotIMatch
                    | BinaryOperator::PGLikeMatch
                    | BinaryOperator::PGILikeMatch
                    | BinaryOperator::PGNotLikeMatch
                    | BinaryOperator::PGNotILikeMatch
                    | BinaryOperator::PGStartsWith
                    | BinaryOperator::AtAt
                    | BinaryOperator::AtArrow
                    | BinaryOperator::ArrowAt
                    | BinaryOperator::AtQuestion
                    | BinaryOperator::Question
                    | BinaryOperator::QuestionAnd
                    | BinaryOperator::QuestionPipe
                    | BinaryOperator::Overlaps
                    | BinaryOperator::AndLt
                    | BinaryOperator::AndGt
                    | BinaryOperator::LtLtPipe
                    | BinaryOperator::PipeGtGt
                    | BinaryOperator::AndLtPipe
                    | BinaryOperator::PipeAndGt
                    | BinaryOperator::LtCaret
                    | BinaryOperator::GtCaret
                    | BinaryOperator::QuestionHash
                    | BinaryOperator::QuestionDash
                    | BinaryOperator::QuestionDashPipe
                    | BinaryOperator::QuestionDoublePipe
                    | BinaryOperator::TildeEq => Size::fixed(1),
                    BinaryOperator::Plus
                    | BinaryOperator::Multiply
                    | BinaryOperator::Divide
                    | BinaryOperator::Modulo
                    | BinaryOperator::DuckIntegerDivide
                    | BinaryOperator::MyIntegerDivide
                    | BinaryOperator::PGExp => Size::fixed(SCALAR),
                    // A part of the left value (JSON, arrays).
                    BinaryOperator::Arrow
                    | BinaryOperator::LongArrow
                    | BinaryOperator::HashArrow
                    | BinaryOperator::HashLongArrow => self.made(l),
                    // Everything else may make a value of both sides: `||`, jsonb `-` and
                    // `#-` (a whole copy), tsquery `&&` and `<->`, bit string operators, ...
                    _ => self.made(l.plus(r)),
                }
            }
            Expr::UnaryOp {
                op: UnaryOperator::BitwiseNot | UnaryOperator::BangNot,
                expr,
            } => {
                let inner = self.expr(expr);
                self.made(inner)
            }
            Expr::UnaryOp { expr, .. }
            | Expr::Extract { expr, .. }
            | Expr::Ceil { expr, .. }
            | Expr::Floor { expr, .. } => {
                self.expr(expr);
                Size::fixed(SCALAR)
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                self.expr(timestamp);
                self.expr(time_zone);
                Size::fixed(SCALAR)
            }
            Expr::Position { expr, r#in } => {
                self.expr(expr);
                self.expr(r#in);
                Size::fixed(SCALAR)
            }
            Expr::Interval(interval) => {
                self.expr(&interval.value);
                Size::fixed(SCALAR)
            }
            Expr::Cast { expr, .. } | Expr::Convert { expr, .. } => {
                let inner = self.expr(expr);
                // Printed as text, a value may double (quotes and escapes of arrays, records).
                self.made(inner.times(2).plus(Size::fixed(SCALAR)))
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let inner = self.expr(expr);
                for x in substring_from.iter().chain(substring_for) {
                    self.expr(x);
                }
                self.made(inner)
            }
            Expr::Trim {
                expr,
                trim_what,
                trim_characters,
                ..
            } => {
                let inner = self.expr(expr);
                for x in trim_what
                    .iter()
                    .map(|b| b.as_ref())
                    .chain(trim_characters.iter().flatten())
                {
                    self.expr(x);
                }
                self.made(inner)
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let inner = self.expr(expr);
                let what = self.expr(overlay_what);
                self.expr(overlay_from);
                if let Some(x) = overlay_for {
                    self.expr(x);
                }
                self.made(inner.plus(what))
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                if let Some(x) = operand {
                    self.expr(x);
                }
                let mut out = Size::ZERO;
                for when in conditions {
                    self.expr(&when.condition);
                    out = out.max(self.expr(&when.result));
                }
                if let Some(x) = else_result {
                    out = out.max(self.expr(x));
                }
                out
            }
            Expr::Exists { subquery, .. } => {
                self.query(subquery);
                Size::fixed(1)
            }
            Expr::Subquery(q) => {
                let shape = self.query(q);
                self.made(shape.first())
            }
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for set in sets {
                    self.exprs(set);
                }
                Size::fixed(SCALAR)
            }
            Expr::Tuple(items) => {
                let sizes = self.exprs(items);
                sizes.into_iter().fold(Size::ZERO, Size::plus)
            }
            Expr::Array(array) => {
                let sizes = self.exprs(&array.elem);
                let n = sizes.len() as u64;
                let total = sizes.into_iter().fold(Size::fixed(16 * n), Size::plus);
                self.made(total)
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                let inner = self.expr(root);
                for access in access_chain {
                    match access {
                        AccessExpr::Dot(x) => {
                            self.expr(x);
                        }
                        AccessExpr::Subscript(Subscript::Index { index }) => {
                            self.expr(index);
                        }
                        AccessExpr::Subscript(Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            stride,
                        }) => {
                            for x in lower_bound.iter().chain(upper_bound).chain(stride) {
                                self.expr(x);
                            }
                        }
                    }
                }
                self.made(inner)
            }
            Expr::JsonAccess { value, .. } => {
                let inner = self.expr(value);
                self.made(inner)
            }
            Expr::Function(f) => self.function(f),
            // Nothing else passes governance (the walker refuses it); a stored value's size.
            _ => Size::DATA,
        }
    }

    pub(super) fn arg(&mut self, a: &FunctionArg) -> Size {
        let arg = match a {
            FunctionArg::Named { arg, .. }
            | FunctionArg::ExprNamed { arg, .. }
            | FunctionArg::Unnamed(arg) => arg,
        };
        match arg {
            FunctionArgExpr::Expr(e) => self.expr(e),
            FunctionArgExpr::QualifiedWildcard(name) => {
                self.item(name).map_or(Size::DATA, |item| item.shape.row())
            }
            FunctionArgExpr::Wildcard | FunctionArgExpr::WildcardWithOptions(_) => {
                Size::fixed(SCALAR)
            }
        }
    }

    pub(super) fn window(&mut self, spec: &sqlparser::ast::WindowSpec) {
        self.exprs(&spec.partition_by);
        for o in &spec.order_by {
            self.expr(&o.expr);
        }
        if let Some(frame) = &spec.window_frame {
            for bound in std::iter::once(&frame.start_bound).chain(&frame.end_bound) {
                if let sqlparser::ast::WindowFrameBound::Preceding(Some(x))
                | sqlparser::ast::WindowFrameBound::Following(Some(x)) = bound
                {
                    self.expr(x);
                }
            }
        }
    }

    fn function(&mut self, f: &Function) -> Size {
        let name = last_name(&f.name);
        let (args, literals): (Vec<Size>, Vec<Option<String>>) = match &f.args {
            FunctionArguments::List(list) => {
                let mut sizes = Vec::with_capacity(list.args.len());
                let mut literals = Vec::with_capacity(list.args.len());
                for a in &list.args {
                    sizes.push(self.arg(a));
                    literals.push(literal(a));
                }
                for clause in &list.clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(list) => {
                            for o in list {
                                self.expr(&o.expr);
                            }
                        }
                        FunctionArgumentClause::Having(sqlparser::ast::HavingBound(_, x)) => {
                            self.expr(x);
                        }
                        _ => {}
                    }
                }
                (sizes, literals)
            }
            FunctionArguments::Subquery(q) => {
                let shape = self.query(q);
                (vec![shape.first()], vec![None])
            }
            FunctionArguments::None => (Vec::new(), Vec::new()),
        };
        if let Some(filter) = &f.filter {
            self.expr(filter);
        }
        for o in &f.within_group {
            self.expr(&o.expr);
        }
        if let Some(WindowType::WindowSpec(spec)) = &f.over {
            self.window(spec);
        }
        self.call(&name, &args, &literals)
    }

    /// The value of a call to `name` with arguments of these sizes (and literal texts).
    pub(super) fn call(&mut self, name: &str, args: &[Size], literals: &[Option<String>]) -> Size {
        let arg = |i: usize| args.get(i).copied().unwrap_or(Size::ZERO);
        let count = |i: usize| {
            literals
                .get(i)
                .and_then(|l| l.as_deref())
                .and_then(|l| l.parse::<u64>().ok())
        };
        let sum = args.iter().fold(Size::ZERO, |acc, s| acc.plus(*s));
        let widest = args.iter().fold(Size::ZERO, |acc, s| acc.max(*s));
        match name {
            // Aggregates that collect every row's value, and ARRAY(SELECT ...).
            "string_agg" | "array_agg" | "json_agg" | "jsonb_agg" | "json_object_agg"
            | "jsonb_object_agg" | "xmlagg" | "group_concat" | "json_group_array"
            | "json_group_object" | "range_agg" | "array" => {
                self.collecting = self.collecting.saturating_add(1);
                Size::GROWN
            }
            // One of their arguments, unchanged.
            "min" | "max" | "any_value" | "mode" | "first_value" | "last_value" | "nth_value"
            | "lag" | "lead" | "percentile_disc" | "coalesce" | "nullif" | "greatest" | "least"
            | "ifnull" => widest,
            "repeat" => match count(1) {
                Some(n) => self.made(arg(0).times(n)),
                None => self.made(arg(0).product(arg(1))),
            },
            "lpad" | "rpad" => match count(1) {
                Some(n) => self.made(Size::fixed(n.saturating_mul(4))),
                None => self.made(arg(0).product(arg(2))),
            },
            "replace" | "array_replace" => self.made(arg(0).product(arg(2))),
            // Every match (the empty pattern matches between characters) replaced by the
            // replacement, whose `\&` and `\1` copy the match again.
            "regexp_replace" => self.made(arg(0).product(arg(2)).times(2)),
            "array_to_string" => self.made(arg(0).product(arg(1).plus(arg(2)))),
            "jsonb_pretty" => self.made(arg(0).product(arg(0))),
            "format" | "printf" => {
                let specs = literals
                    .first()
                    .and_then(|l| l.as_deref())
                    .map_or(1, |fmt| fmt.matches('%').count() as u64);
                let values = args.iter().skip(1).fold(Size::ZERO, |acc, s| acc.plus(*s));
                self.made(
                    arg(0)
                        .plus(values.times(specs))
                        .plus(Size::fixed(specs.saturating_mul(4000))),
                )
            }
            "concat_ws" => {
                let n = args.len().saturating_sub(1) as u64;
                let values = args.iter().skip(1).fold(Size::ZERO, |acc, s| acc.plus(*s));
                self.made(values.plus(arg(0).times(n)))
            }
            "to_json" | "to_jsonb" | "row_to_json" | "json_build_object" | "jsonb_build_object"
            | "json_build_array" | "jsonb_build_array" | "json_object" | "jsonb_object"
            | "array_to_json" | "json_array" | "json_quote" => {
                // Escapes: a control character prints as six.
                self.made(sum.times(6).plus(Size::fixed(SCALAR)))
            }
            "encode" | "translate" | "quote_ident" | "quote_literal" | "quote_nullable"
            | "quote" | "hex" | "to_char" | "initcap" | "lower" | "upper" => {
                self.made(sum.times(8).plus(Size::fixed(SCALAR)))
            }
            "normalize" => self.made(arg(0).times(18)),
            // One character per argument.
            "char" | "chr" => Size::fixed(4 * args.len().max(1) as u64),
            // Each `[a, b, ...]` of a path yields every listed element: lists multiply.
            "jsonb_path_query" | "jsonb_path_query_array" | "jsonb_path_query_first" => {
                match literals.get(1).and_then(|l| l.as_deref()) {
                    Some(path) => self.made(arg(0).times(path_fan_out(path))),
                    None => self.made(arg(0).product(arg(1)).times(16)),
                }
            }
            // Every word may be wrapped in the options' StartSel and StopSel.
            "ts_headline" => self.made(arg(1).product(arg(3)).times(2)),
            "string_to_array" | "regexp_split_to_array" | "tsvector_to_array" => {
                self.made(arg(0).times(8).plus(Size::fixed(SCALAR)))
            }
            _ if fixed_result(name) => Size::fixed(SCALAR),
            _ => self.made(sum.plus(Size::fixed(SCALAR))),
        }
    }
}

/// Functions whose value is a number, a date, a boolean or a digest, whatever their input.
fn fixed_result(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "avg"
            | "stddev"
            | "stddev_pop"
            | "stddev_samp"
            | "variance"
            | "var_pop"
            | "var_samp"
            | "corr"
            | "covar_pop"
            | "covar_samp"
            | "regr_slope"
            | "regr_intercept"
            | "regr_r2"
            | "regr_count"
            | "regr_avgx"
            | "regr_avgy"
            | "regr_sxx"
            | "regr_syy"
            | "regr_sxy"
            | "bool_and"
            | "bool_or"
            | "every"
            | "bit_and"
            | "bit_or"
            | "bit_xor"
            | "percentile_cont"
            | "grouping"
            | "row_number"
            | "rank"
            | "dense_rank"
            | "percent_rank"
            | "cume_dist"
            | "ntile"
            | "abs"
            | "round"
            | "sign"
            | "ceil"
            | "ceiling"
            | "floor"
            | "trunc"
            | "mod"
            | "power"
            | "pow"
            | "sqrt"
            | "cbrt"
            | "exp"
            | "ln"
            | "log"
            | "log10"
            | "div"
            | "degrees"
            | "radians"
            | "pi"
            | "width_bucket"
            | "scale"
            | "gcd"
            | "lcm"
            | "random"
            | "random_normal"
            | "length"
            | "char_length"
            | "character_length"
            | "octet_length"
            | "bit_length"
            | "strpos"
            | "position"
            | "instr"
            | "unicode"
            | "ascii"
            | "regexp_count"
            | "regexp_instr"
            | "regexp_like"
            | "starts_with"
            | "md5"
            | "sha224"
            | "sha256"
            | "sha384"
            | "sha512"
            | "now"
            | "current_date"
            | "current_time"
            | "current_timestamp"
            | "localtime"
            | "localtimestamp"
            | "statement_timestamp"
            | "transaction_timestamp"
            | "clock_timestamp"
            | "date_part"
            | "extract"
            | "date_trunc"
            | "date_bin"
            | "age"
            | "make_date"
            | "make_time"
            | "make_timestamp"
            | "make_timestamptz"
            | "make_interval"
            | "to_date"
            | "to_timestamp"
            | "to_number"
            | "isfinite"
            | "json_array_length"
            | "jsonb_array_length"
            | "json_typeof"
            | "jsonb_typeof"
            | "jsonb_path_exists"
            | "jsonb_path_match"
            | "jsonb_exists"
            | "jsonb_exists_any"
            | "jsonb_exists_all"
            | "array_length"
            | "cardinality"
            | "array_position"
            | "array_lower"
            | "array_upper"
            | "array_ndims"
            | "num_nulls"
            | "num_nonnulls"
            | "ts_rank"
            | "ts_rank_cd"
            | "numnode"
            | "isempty"
            | "lower_inc"
            | "upper_inc"
            | "lower_inf"
            | "upper_inf"
            | "get_byte"
            | "get_bit"
            | "bit_count"
            | "gen_random_uuid"
            | "generate_series"
            | "generate_subscripts"
            | "date"
            | "julianday"
            | "unixepoch"
            | "typeof"
    )
}

/// A literal argument's text (a count, a width, a format string).
pub(super) fn literal(a: &FunctionArg) -> Option<String> {
    match a {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) => match &v.value {
            Value::Number(n, _) => Some(n.clone()),
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// How many values a JSON path literal may yield per value it reads: the product of its
/// subscript lists' lengths (`$[0,0,0][0,0,0]` yields nine).
fn path_fan_out(path: &str) -> u64 {
    let mut fan: u64 = 1;
    let mut depth = 0usize;
    let mut items: u64 = 1;
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                if depth == 1 {
                    items = 1;
                }
            }
            ',' if depth == 1 => items = items.saturating_add(1),
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    fan = fan.saturating_mul(items);
                }
            }
            _ => {}
        }
    }
    fan
}
