//! Expressions, literals, placeholders, operators and names (types cast to: `types`).

use super::*;

impl Walker<'_> {
    pub(super) fn value(&self, v: &mut sqlparser::ast::ValueWithSpan) -> Walk {
        if let Value::Placeholder(p) = &v.value
            && p == "?"
            && self.dialect.has_anonymous_placeholders()
            && self.mode == Mode::Caller
        {
            // Number anonymous placeholders by their position in the text.
            let start = v.span.start;
            if let Some(i) = self.anonymous.iter().position(|l| *l == start) {
                v.value = Value::Placeholder(format!("?{}", i + 1));
            }
        }
        // SQLite numbers `$1` and `?01` its own way: `$N` is a *named* parameter that takes the
        // next free slot, not slot N, so `SELECT ?1, $1` put the caller's value in the slot the
        // row filter's attribute is bound to. Every numbered placeholder is printed as `?N`,
        // the form SQLite, sqlx and governance all read as parameter N.
        if self.dialect == Dialect::Sqlite
            && self.mode == Mode::Caller
            && let Value::Placeholder(p) = &v.value
            && let Some(n) = p
                .strip_prefix('$')
                .or_else(|| p.strip_prefix('?'))
                .and_then(|d| d.parse::<usize>().ok())
        {
            v.value = Value::Placeholder(format!("?{n}"));
        }
        self.literal(&v.value)
    }

    pub(super) fn literal(&self, v: &Value) -> Walk {
        match v {
            // SQLite has no such strings: it reads `N'x'` as the column N aliased 'x'.
            Value::NationalStringLiteral(_) if self.dialect == Dialect::Sqlite => {
                Err(unsupported("N'...' strings on SQLite (write '...')"))
            }
            // SQLite: a blob literal is bytes of the caller's choosing, which its JSON
            // functions read as binary JSON (see the cast to BLOB below): a few bytes only.
            Value::HexStringLiteral(h)
                if self.dialect == Dialect::Sqlite
                    && h.len() / 2 > super::types::MAX_FIXED_WIDTH as usize =>
            {
                Err(Denial::new(
                    Rule::FunctionNotAllowed,
                    format!(
                        "a blob literal (X'...') may be at most {} bytes on SQLite",
                        super::types::MAX_FIXED_WIDTH
                    ),
                ))
            }
            Value::Number(..)
            | Value::SingleQuotedString(_)
            | Value::DollarQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::UnicodeStringLiteral(_)
            | Value::NationalStringLiteral(_)
            | Value::HexStringLiteral(_)
            | Value::Boolean(_)
            | Value::Null => Ok(()),
            // PostgreSQL's bit strings (`B'1010'`); the printer writes them back as written.
            Value::SingleQuotedByteStringLiteral(bits)
                if self.dialect == Dialect::Postgres
                    && bits.bytes().all(|b| b == b'0' || b == b'1') =>
            {
                Ok(())
            }
            Value::Placeholder(_) if self.mode == Mode::Filter => Err(unsupported(
                "placeholders in a row filter (use attr('name'))",
            )),
            Value::Placeholder(p) => self.placeholder(p),
            _ => Err(unsupported("this kind of literal")),
        }
    }

    pub(super) fn placeholder(&self, p: &str) -> Walk {
        let bad = |msg: String| Denial::new(Rule::Parameters, msg);
        let n = self.param_count;
        let index = match p {
            "?" if self.dialect().has_anonymous_placeholders() => 1,
            _ => {
                let digits = p.strip_prefix('$').or_else(|| p.strip_prefix('?'));
                match digits.and_then(|d| d.parse::<usize>().ok()) {
                    Some(i) => i,
                    None => {
                        return Err(bad(format!(
                            "placeholder {p} is not supported; use $1, $2, ... (PostgreSQL) or ?1, ?2, ... (SQLite) with the params array"
                        )));
                    }
                }
            }
        };
        if index == 0 || index > n {
            return Err(bad(format!(
                "placeholder {p} has no value: {n} parameter(s) were given in params"
            )));
        }
        Ok(())
    }

    pub(crate) fn expr(&mut self, e: &mut Expr) -> Walk {
        match e {
            Expr::Identifier(ident) if self.mode == Mode::Filter && self.from.is_empty() => {
                // A row filter's own columns are qualified with its table, so that no name
                // can ever resolve to a column of the caller's query around it.
                if let Some(table) = &self.filter_table {
                    *e = Expr::CompoundIdentifier(vec![quoted(table), ident.clone()]);
                }
                Ok(())
            }
            Expr::Identifier(ident) => {
                quote_reserved(ident, self.dialect())?;
                if let Some(key) = self.rowid_key(std::slice::from_ref(ident)) {
                    *ident = key;
                }
                self.column(std::slice::from_ref(ident))
            }
            Expr::CompoundIdentifier(parts) => {
                let dialect = self.dialect();
                parts
                    .iter_mut()
                    .try_for_each(|p| quote_reserved(p, dialect))?;
                if let Some(key) = self.rowid_key(parts)
                    && let Some(last) = parts.last_mut()
                {
                    *last = key;
                }
                // `schema.table.column`: a restricted table is a derived table named for the
                // table, which such a name cannot reach; it becomes `table.column`.
                if self.mode == Mode::Caller
                    && let [_, _, column] = parts.as_slice()
                    && let Some(table) = self.schema_qualified(parts)
                {
                    *parts = vec![quoted(&table), column.clone()];
                }
                self.column(parts)
            }
            Expr::Value(v) => self.value(v),
            Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsNull(x)
            | Expr::IsNotNull(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x)
            | Expr::Nested(x)
            | Expr::IsNormalized { expr: x, .. } => self.expr(x),
            Expr::UnaryOp { op, expr: x } => {
                if !matches!(
                    op,
                    UnaryOperator::Plus
                        | UnaryOperator::Minus
                        | UnaryOperator::Not
                        | UnaryOperator::BitwiseNot
                        // PostgreSQL's `|/` (square root), `||/` (cube root), `@` (absolute)
                        | UnaryOperator::PGSquareRoot
                        | UnaryOperator::PGCubeRoot
                        | UnaryOperator::PGAbs
                ) {
                    return Err(unsupported(&format!("the unary operator {op}")));
                }
                self.expr(x)?;
                // PostgreSQL binds a sign tighter than `^`, AT TIME ZONE and COLLATE
                // (`-2 ^ 2` is 4); the parser gives the sign the whole operation.
                if self.dialect == Dialect::Postgres
                    && matches!(op, UnaryOperator::Minus | UnaryOperator::Plus)
                    && super::signs::binds_looser_than_sign(x)
                {
                    let op = *op;
                    let x = std::mem::replace(&mut **x, Expr::value(Value::Null));
                    *e = super::signs::sign_operand(op, x);
                    return Ok(());
                }
                // `-` is printed right before its operand: `- -x` would print as `--x`, a
                // comment to the database, which then reads the rest of the line (and whatever
                // a later quoted name puts on the next) as something else. A signed operand is
                // printed in parentheses.
                if !matches!(op, UnaryOperator::Not) && super::signs::signed(x) {
                    let inner = std::mem::replace(&mut **x, Expr::value(Value::Null));
                    **x = Expr::Nested(Box::new(inner));
                }
                Ok(())
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                self.expr(a)?;
                self.expr(b)
            }
            Expr::BinaryOp { left, op, right } => {
                binary_operator(op)?;
                if *op == BinaryOperator::AtAt {
                    self.search_operand(left)?;
                }
                if self.dialect == Dialect::Postgres
                    && !super::signs::precedence_agrees(op, left, right)
                {
                    return Err(super::signs::ambiguous_precedence());
                }
                if *op == BinaryOperator::Glob {
                    self.pattern_bound(right)?;
                    self.search_in(left, Some(right))?;
                }
                self.expr(left)?;
                self.expr(right)?;
                if self.dialect == Dialect::Sqlite
                    && matches!(op, BinaryOperator::Arrow | BinaryOperator::LongArrow)
                {
                    self.bound_json_path("->", right)?;
                }
                Ok(())
            }
            Expr::AnyOp {
                left,
                right,
                compare_op,
                ..
            }
            | Expr::AllOp {
                left,
                right,
                compare_op,
            } => {
                // `x ~ ANY (...)`: the parser binds `~` as `=` here too.
                if self.dialect == Dialect::Postgres
                    && !super::signs::precedence_agrees(compare_op, left, &Expr::value(Value::Null))
                {
                    return Err(super::signs::ambiguous_precedence());
                }
                self.expr(left)?;
                self.expr(right)
            }
            Expr::InList { expr, list, .. } => {
                self.expr(expr)?;
                list.iter_mut().try_for_each(|x| self.expr(x))
            }
            Expr::InSubquery { expr, subquery, .. } => {
                self.expr(expr)?;
                self.query(subquery)
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                self.expr(expr)?;
                self.expr(low)?;
                self.expr(high)
            }
            Expr::Like {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::ILike {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::SimilarTo {
                expr,
                pattern,
                escape_char,
                ..
            } => {
                self.expr(expr)?;
                self.expr(pattern)?;
                self.pattern_bound(pattern)?;
                self.search_in(expr, Some(pattern))?;
                match escape_char {
                    Some(esc) => self.expr(esc),
                    None => Ok(()),
                }
            }
            Expr::Cast {
                kind,
                expr,
                data_type,
                format,
            } => {
                if !matches!(kind, CastKind::Cast | CastKind::DoubleColon) || format.is_some() {
                    return Err(unsupported("this cast syntax"));
                }
                // SQLite: a blob of any bytes, built from text, is what its JSON functions
                // read as binary JSON (a crafted one overflowed a worker's stack); only its
                // byte length may be taken (`length(CAST(x AS BLOB))`).
                let byte_length = self.byte_length_cast.replace(false);
                if self.dialect == Dialect::Sqlite
                    && matches!(
                        data_type,
                        DataType::Blob(_)
                            | DataType::TinyBlob
                            | DataType::MediumBlob
                            | DataType::LongBlob
                    )
                    && !byte_length
                {
                    return Err(unsupported(
                        "a cast to BLOB on SQLite (only length(CAST(x AS BLOB)), a byte count)",
                    ));
                }
                self.data_type(data_type)?;
                self.expr(expr)
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                self.expr(timestamp)?;
                self.expr(time_zone)
            }
            Expr::Extract { expr, .. } => self.expr(expr),
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => self.expr(expr),
            Expr::Position { expr, r#in } => {
                self.expr(expr)?;
                self.expr(r#in)
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                self.expr(expr)?;
                for x in [substring_from, substring_for].into_iter().flatten() {
                    self.expr(x)?;
                }
                Ok(())
            }
            Expr::Trim {
                expr,
                trim_what,
                trim_characters,
                ..
            } => {
                self.expr(expr)?;
                if let Some(w) = trim_what {
                    self.expr(w)?;
                }
                for c in trim_characters.iter_mut().flatten() {
                    self.expr(c)?;
                }
                // SQLite trims at a cost of the two lengths multiplied (see `Bound::Needle`).
                if self.dialect == Dialect::Sqlite {
                    let set = trim_what
                        .as_deref()
                        .or(trim_characters.as_ref().and_then(|c| c.first()));
                    if set.is_some() {
                        self.search_in(expr, set)?;
                    }
                    let sets = trim_what.iter_mut().map(|w| &mut **w);
                    for set in sets.chain(trim_characters.iter_mut().flatten()) {
                        // (a set that is no literal is guarded at run time, read twice)
                        if !matches!(set, Expr::Value(_)) && self.may_vary(set) {
                            return Err(super::functions::varying_needle("trim"));
                        }
                        if !matches!(set, Expr::Value(_)) && self.holds_guarded_search(set) {
                            return Err(super::searches::nested_needle("trim"));
                        }
                        super::searches::bound_needle(
                            &self.unbounded("trim"),
                            set,
                            crate::dialect::functions::MAX_TRIM_SET,
                        )?;
                    }
                }
                Ok(())
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                self.expr(expr)?;
                self.expr(overlay_what)?;
                self.expr(overlay_from)?;
                match overlay_for {
                    Some(x) => self.expr(x),
                    None => Ok(()),
                }
            }
            Expr::Collate { expr, .. } => self.expr(expr),
            Expr::TypedString(ts) => {
                self.data_type(&ts.data_type)?;
                self.literal(&ts.value.value)
            }
            Expr::Function(f) => self.function(f),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                if let Some(op) = operand {
                    self.expr(op)?;
                }
                for cw in conditions {
                    self.expr(&mut cw.condition)?;
                    self.expr(&mut cw.result)?;
                }
                match else_result {
                    Some(x) => self.expr(x),
                    None => Ok(()),
                }
            }
            Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => self.query(subquery),
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for set in sets {
                    for x in set {
                        self.expr(x)?;
                    }
                }
                Ok(())
            }
            Expr::Tuple(items) => items.iter_mut().try_for_each(|x| self.expr(x)),
            Expr::Array(array) => array.elem.iter_mut().try_for_each(|x| self.expr(x)),
            Expr::Interval(interval) => self.expr(&mut interval.value),
            Expr::CompoundFieldAccess { root, access_chain } => {
                // `o.tags[1]` is the column `o.tags` subscripted: its leading names are one
                // column reference. A name after anything else is field selection, which
                // PostgreSQL reads as a function call when the field does not exist
                // (`(x).pg_sleep`): refused.
                let mut parts: Vec<Ident> = match root.as_ref() {
                    Expr::Identifier(i) => vec![i.clone()],
                    Expr::CompoundIdentifier(p) => p.clone(),
                    _ => Vec::new(),
                };
                let names = if parts.is_empty() {
                    0
                } else {
                    access_chain
                        .iter()
                        .take_while(|a| {
                            matches!(a, sqlparser::ast::AccessExpr::Dot(Expr::Identifier(_)))
                        })
                        .count()
                };
                for access in &access_chain[..names] {
                    if let sqlparser::ast::AccessExpr::Dot(Expr::Identifier(i)) = access {
                        parts.push(i.clone());
                    }
                }
                if parts.is_empty() {
                    self.expr(root)?;
                } else {
                    parts.iter().try_for_each(check_name)?;
                    self.column(&parts)?;
                }
                for access in &mut access_chain[names..] {
                    match access {
                        sqlparser::ast::AccessExpr::Dot(_) => {
                            return Err(unsupported("field selection from a value, (x).name,"));
                        }
                        sqlparser::ast::AccessExpr::Subscript(Subscript::Index { index }) => {
                            self.expr(index)?
                        }
                        sqlparser::ast::AccessExpr::Subscript(Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            stride,
                        }) => {
                            for x in [lower_bound, upper_bound, stride].into_iter().flatten() {
                                self.expr(x)?;
                            }
                        }
                    }
                }
                Ok(())
            }
            _ => Err(unsupported("this expression syntax")),
        }
    }
}

/// Operators with a clear meaning in PostgreSQL or SQLite. Custom and vendor operators are
/// refused: their printed form does not always read back the same (found by fuzzing).
pub(super) fn binary_operator(op: &BinaryOperator) -> Walk {
    use BinaryOperator as B;
    match op {
        B::Plus
        | B::Minus
        | B::Multiply
        | B::Divide
        | B::Modulo
        | B::StringConcat
        | B::Gt
        | B::Lt
        | B::GtEq
        | B::LtEq
        | B::Eq
        | B::NotEq
        | B::And
        | B::Or
        | B::BitwiseOr
        | B::BitwiseAnd
        | B::PGBitwiseXor
        | B::PGBitwiseShiftLeft
        | B::PGBitwiseShiftRight
        | B::PGExp
        | B::PGOverlap
        // `(start, end) OVERLAPS (start, end)`: a comparison of two periods
        | B::Overlaps
        // SQLite's GLOB: a pattern match like LIKE (its operands are walked like any other)
        | B::Glob
        | B::PGStartsWith
        | B::Arrow
        | B::LongArrow
        | B::HashArrow
        | B::HashLongArrow
        | B::AtArrow
        | B::ArrowAt
        | B::HashMinus
        | B::Question
        | B::QuestionAnd
        | B::QuestionPipe
        | B::AtQuestion
        // (ranges: does not extend right / left of, adjacent to, which the parser has no name for)
        | B::AtAt | B::AndLt | B::AndGt => Ok(()),
        // PostgreSQL's regular-expression and `~~` (LIKE) operators
        op if super::signs::regex(op) => Ok(()),
        B::Custom(op) if op == "-|-" => Ok(()),
        other => Err(unsupported(&format!("the operator {other}"))),
    }
}
