//! SQLite's searches (LIKE, GLOB, `instr`, `replace`, `trim`): each is one step the statement
//! timeout cannot stop, at a cost of the text's length times the needle's, so their needles,
//! patterns and number are bounded (see `crate::dialect::Bound::Needle`).

use super::*;

impl Walker<'_> {
    /// Whether `e` is a column of a catalog table (a stored value, not one a CTE, derived
    /// table or function of the statement built): the only column a value builder may take as
    /// its base, so that builders cannot be chained through CTEs into a multiplication.
    pub(super) fn stored_column(&self, e: &Expr) -> bool {
        let parts: &[Ident] = match e {
            Expr::Identifier(ident) => std::slice::from_ref(ident),
            Expr::CompoundIdentifier(parts) => parts,
            _ => return false,
        };
        match self.normalized(parts).as_slice() {
            [column] => {
                if self.output_aliases.iter().any(|a| self.col_eq(a, column)) {
                    return false;
                }
                for items in self.from.iter().rev() {
                    let mut holders = items.iter().filter(|i| self.exposes(i, column)).peekable();
                    if holders.peek().is_some() {
                        return holders.all(|i| matches!(i.kind, ItemKind::Table(_)));
                    }
                }
                false
            }
            [.., qualifier, _] => self
                .item_named(qualifier)
                .is_some_and(|item| matches!(item.kind, ItemKind::Table(_))),
            [] => false,
        }
    }

    /// Count a SQLite search for `needle` in `haystack` when the statement built that text
    /// itself and the needle is no short literal (see `MAX_BUILT_SEARCHES`): a stored column or
    /// a literal is as long as it is, and a search for a few characters is as fast as a scan.
    pub(super) fn search_in(&self, haystack: &Expr, needle: Option<&Expr>) -> Walk {
        let short = |e: &Expr| {
            matches!(e, Expr::Value(v) if matches!(&v.value,
                Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) if s.chars().count() <= SHORT_NEEDLE))
        };
        if self.dialect != Dialect::Sqlite
            || matches!(haystack, Expr::Value(_))
            || self.stored_column(haystack)
            || needle.is_some_and(short)
        {
            return Ok(());
        }
        let n = self.built_searches.get() + 1;
        self.built_searches.set(n);
        let max = crate::dialect::functions::MAX_BUILT_SEARCHES;
        if n > max {
            return Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "a statement may search text it builds itself (LIKE, GLOB, instr, replace, trim over an expression or a CTE's column) at most {max} times on SQLite: each search is one step the statement timeout cannot stop; search stored columns, or split the statement"
                ),
            ));
        }
        Ok(())
    }

    /// SQLite's bound on LIKE and GLOB patterns (`.cargo/config.toml`), said plainly for a
    /// literal one (a built one meets SQLite's own error).
    pub(super) fn pattern_bound(&self, pattern: &Expr) -> Walk {
        let max = crate::dialect::functions::MAX_LIKE_PATTERN;
        if self.dialect == Dialect::Sqlite
            && let Expr::Value(v) = pattern
            && let Value::SingleQuotedString(p) = &v.value
            && p.chars().count() > max
        {
            return Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "a LIKE or GLOB pattern may be at most {max} characters on SQLite (matching costs the text's length times the pattern's, in one step the statement timeout cannot stop); use instr() for a long fixed text"
                ),
            ));
        }
        Ok(())
    }
}

/// A literal needle or pattern this short is searched for at about the speed of a scan.
const SHORT_NEEDLE: usize = 16;

/// A needle outside a function's argument list (`TRIM(x, set)`): a literal over `max`
/// bytes is refused with `denial`, any other value guarded (see [`guard`]).
pub(super) fn bound_needle(denial: &Denial, e: &mut Expr, max: usize) -> Walk {
    if let Expr::Value(v) = &*e
        && !literal_needle_fits(&v.value, max)
    {
        return Err(denial.clone());
    }
    guard(e, max);
    Ok(())
}

/// Whether a literal needle is at most `max` bytes: SQLite searches byte by byte, text and
/// blobs (`X'6161'`) alike.
pub(super) fn literal_needle_fits(v: &Value, max: usize) -> bool {
    match v {
        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.len() <= max,
        Value::HexStringLiteral(h) => h.len() / 2 <= max,
        _ => true,
    }
}

/// The longest SQLite JSON path: each step of a path that `json_set` and kin follow can
/// create a level, and SQLite builds and prints JSON by recursing once per level (a path of
/// 8,000 `.a` steps overflowed a worker's stack). A step takes at least two bytes, so at most
/// 500 levels from a path, on top of the 1,000 SQLite's parser allows a value.
pub(super) const MAX_JSON_PATH: usize = 1000;

/// The arguments of a SQLite JSON function that are paths (`json_set(doc, path, value, ...)`).
pub(super) fn json_path_args(name: &str, count: usize) -> Vec<usize> {
    match name {
        "json_extract" | "json_remove" => (1..count).collect(),
        "json_set" | "json_insert" | "json_replace" => (1..count).step_by(2).collect(),
        "json_type" | "json_array_length" | "json_each" | "json_tree" => {
            (1..count.min(2)).collect()
        }
        _ => Vec::new(),
    }
}

impl Walker<'_> {
    /// A SQLite JSON path (see [`MAX_JSON_PATH`]): a literal over the bound is refused, any
    /// other value guarded as a needle is (its bytes, read twice, never nested).
    pub(super) fn bound_json_path(&self, name: &str, path: &mut Expr) -> Walk {
        let too_long = || {
            Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "{name}(...): a JSON path may be at most {MAX_JSON_PATH} bytes on SQLite (each step can add a level, and SQLite recurses once per level)"
                ),
            )
        };
        match path {
            Expr::Value(v) => {
                if literal_needle_fits(&v.value, MAX_JSON_PATH) {
                    Ok(())
                } else {
                    Err(too_long())
                }
            }
            e if self.may_vary(e) => Err(super::functions::varying_needle(name)),
            e if self.holds_guarded_search(e) => Err(nested_needle(name)),
            e => {
                guard(e, MAX_JSON_PATH);
                Ok(())
            }
        }
    }

    /// Whether `e` holds a SQLite search whose own needle is no literal (so is guarded): a
    /// guard copies its needle, so needles nested in needles would double with each level
    /// (`replace('a', replace('a', ... , x), x)`: a 400-byte statement, gigabytes governed).
    pub(super) fn holds_guarded_search(&self, e: &Expr) -> bool {
        let not_literal = |x: &Expr| !matches!(x, Expr::Value(_));
        let mut found = false;
        let _ = sqlparser::ast::visit_expressions(e, |x| {
            let guarded = match x {
                Expr::Function(f) => {
                    // Its guarded arguments: a needle, and on SQLite its JSON paths.
                    let name = self.function_name(&f.name).unwrap_or_default();
                    let FunctionArguments::List(list) = &f.args else {
                        return std::ops::ControlFlow::Continue(());
                    };
                    let mut guarded = match self.dialect.function_bound(&name) {
                        Some(crate::dialect::Bound::Needle { arg, .. }) => vec![arg],
                        _ => Vec::new(),
                    };
                    if self.dialect == Dialect::Sqlite {
                        guarded.extend(json_path_args(&name, list.args.len()));
                    }
                    guarded.into_iter().any(|i| match list.args.get(i) {
                        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(a))) => not_literal(a),
                        _ => true,
                    })
                }
                Expr::BinaryOp {
                    op: BinaryOperator::Arrow | BinaryOperator::LongArrow,
                    right,
                    ..
                } if self.dialect == Dialect::Sqlite => not_literal(right),
                Expr::Trim {
                    trim_what,
                    trim_characters,
                    ..
                } => trim_what
                    .as_deref()
                    .into_iter()
                    .chain(trim_characters.iter().flatten())
                    .any(not_literal),
                _ => false,
            };
            if guarded {
                found = true;
                return std::ops::ControlFlow::Break(());
            }
            std::ops::ControlFlow::Continue(())
        });
        found
    }
}

/// A search needle that holds another guarded search (see [`Walker::holds_guarded_search`]).
pub(super) fn nested_needle(name: &str) -> Denial {
    Denial::new(
        Rule::FunctionNotAllowed,
        format!(
            "{name}(...): a search text that is no literal may not itself be built by a search for a text that is no literal (instr, replace, trim): search for a literal inside, or search stored columns"
        ),
    )
}

/// A needle that is no literal (a literal was checked already) as `CASE WHEN
/// length(CAST(x AS BLOB)) <= max THEN x END` (see [`crate::dialect::Bound::Needle`]): its
/// bytes, since SQLite's `length` of text stops at a NUL byte and the search does not. A
/// rewrite already in that form is left.
pub(super) fn guard(e: &mut Expr, max: usize) {
    if matches!(e, Expr::Value(_)) {
        return;
    }
    let guard = |x: Expr| Expr::Case {
        case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        operand: None,
        conditions: vec![sqlparser::ast::CaseWhen {
            condition: Expr::BinaryOp {
                left: Box::new(crate::sql::rewrite::call(
                    "length",
                    vec![Expr::Cast {
                        kind: CastKind::Cast,
                        expr: Box::new(x.clone()),
                        data_type: DataType::Blob(None),
                        format: None,
                    }],
                )),
                op: BinaryOperator::LtEq,
                right: Box::new(Expr::value(Value::Number(max.to_string(), false))),
            },
            result: x,
        }],
        else_result: None,
    };
    if let Expr::Case {
        conditions,
        else_result: None,
        operand: None,
        ..
    } = &*e
        && let [w] = conditions.as_slice()
        && *e == guard(w.result.clone())
    {
        return;
    }
    *e = guard(e.clone());
}

/// Functions whose result is a `tsvector`, a `tsquery` or `jsonb` (the ones needing a text
/// search configuration are bound to a literal one, `Bound::SearchConfig`).
const SEARCH_VALUES: &[&str] = &[
    "to_tsvector",
    "to_tsquery",
    "plainto_tsquery",
    "phraseto_tsquery",
    "websearch_to_tsquery",
    "array_to_tsvector",
    "setweight",
    "strip",
    "to_jsonb",
    "jsonb_build_object",
    "jsonb_build_array",
];

/// Column types `@@` may take on its left without converting text.
const SEARCH_TYPES: &[&str] = &["tsvector", "tsquery", "jsonb"];

impl Walker<'_> {
    /// PostgreSQL's `text @@ text` and `text @@ tsquery` run `to_tsvector` (and
    /// `plainto_tsquery`) with `default_text_search_config`, a server setting the role cannot
    /// read (`to_tsvector` without a configuration is refused for that reason): whether
    /// `'the cats were running' @@ 'run'` matches tells the setting's language by its stemming.
    /// So the left operand of `@@` must visibly be a `tsvector`, `tsquery` or `jsonb` (the other
    /// operand then converts no text with a configuration): a column of that type, a cast to
    /// one, or a call of a function that returns one.
    pub(super) fn search_operand(&self, left: &Expr) -> Walk {
        if self.dialect != Dialect::Postgres || self.search_value(left) {
            return Ok(());
        }
        Err(Denial::new(
            Rule::FunctionNotAllowed,
            "`@@` needs a tsvector, tsquery or jsonb on its left (text there would be converted with the server's default text search configuration): write to_tsvector('english', col) @@ to_tsquery('english', 'word'), or a cast such as col::tsvector",
        ))
    }

    fn search_value(&self, e: &Expr) -> bool {
        match e {
            Expr::Nested(x) => self.search_value(x),
            Expr::Cast { data_type, .. } => match data_type {
                DataType::JSONB | DataType::TsVector | DataType::TsQuery => true,
                DataType::Custom(name, _) => matches!(
                    normalize_name(self.dialect, name).unwrap_or_default().as_slice(),
                    [t] if SEARCH_TYPES.contains(&t.as_str())
                ),
                _ => false,
            },
            Expr::Function(f) => matches!(
                f.name.0.as_slice(),
                [sqlparser::ast::ObjectNamePart::Identifier(name)]
                    if SEARCH_VALUES.contains(&name.value.to_ascii_lowercase().as_str())
            ),
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => self
                .stored_column_type(e)
                .is_some_and(|t| SEARCH_TYPES.contains(&t.as_str())),
            _ => false,
        }
    }

    /// The declared type of the catalog column `e` names, where one table's column it is.
    fn stored_column_type(&self, e: &Expr) -> Option<String> {
        let parts: &[Ident] = match e {
            Expr::Identifier(ident) => std::slice::from_ref(ident),
            Expr::CompoundIdentifier(parts) => parts,
            _ => return None,
        };
        let names = self.normalized(parts);
        let (item, column) = match names.as_slice() {
            [column] => {
                if self.output_aliases.iter().any(|a| self.col_eq(a, column)) {
                    return None;
                }
                let level = self
                    .from
                    .iter()
                    .rev()
                    .find(|items| items.iter().any(|i| self.exposes(i, column)))?;
                let mut holders = level.iter().filter(|i| self.exposes(i, column));
                let (Some(item), None) = (holders.next(), holders.next()) else {
                    return None;
                };
                (item, column)
            }
            [qualifier, column] => (self.item_named(qualifier)?, column),
            _ => return None,
        };
        let (ItemKind::Table(access), Some(name)) = (&item.kind, &item.table) else {
            return None;
        };
        let spelled = access.visible.iter().find(|v| self.col_eq(v, column))?;
        let table = self.catalog.get(&name.schema, &name.name)?;
        table.column_type(spelled).map(str::to_string)
    }
}
