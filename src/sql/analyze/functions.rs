//! Function calls, their arguments, windows and ORDER BY items.

use super::*;

impl Walker<'_> {
    pub(super) fn function_name(&self, name: &ObjectName) -> Result<String, Denial> {
        let shown = name.to_string();
        let denied = || {
            Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "function {shown} is not allowed for role {}; use standard aggregate, window, date, string and JSON functions",
                    self.policy.name
                ),
            )
        };
        let parts = normalize_name(self.dialect(), name).ok_or_else(denied)?;
        match parts.as_slice() {
            [f] => Ok(f.clone()),
            [schema, f] if self.dialect().function_schema() == Some(schema.as_str()) => {
                Ok(f.clone())
            }
            _ => Err(denied()),
        }
    }

    /// A table function's arguments, once walked: a series gets its cap (see `series`).
    pub(super) fn table_function_walked(&self, name: &ObjectName, args: &mut Vec<FunctionArg>) {
        let series = self
            .function_name(name)
            .ok()
            .and_then(|f| self.dialect.function_bound(&f))
            == Some(crate::dialect::Bound::Series);
        if series {
            super::series::cap(args);
        }
    }

    pub(super) fn table_function(&mut self, name: &ObjectName, args: &[FunctionArg]) -> Walk {
        let f = self.function_name(name)?;
        if self.dialect == Dialect::Sqlite {
            for i in super::searches::json_path_args(&f, args.len()) {
                let fits = matches!(args.get(i), Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))))
                    if super::searches::literal_needle_fits(&v.value, super::searches::MAX_JSON_PATH));
                if !fits {
                    return Err(Denial::new(
                        Rule::FunctionNotAllowed,
                        format!(
                            "{f}(...) in FROM takes its JSON path as a literal of at most {} bytes on SQLite",
                            super::searches::MAX_JSON_PATH
                        ),
                    ));
                }
            }
        }
        if self.policy.table_function_allowed(self.dialect(), &f) {
            if let Some(bound) = self.dialect.function_bound(&f) {
                self.check_bound_args(&f, bound, args)?;
            }
            Ok(())
        } else {
            Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "table function {name} is not allowed in FROM for role {}",
                    self.policy.name
                ),
            ))
        }
    }

    pub(super) fn function(&mut self, f: &mut Function) -> Walk {
        if self.mode == Mode::Filter {
            let probe = Expr::Function(f.clone());
            if let Some(attr) = attr_call(&probe) {
                self.filter_attrs.push(attr);
                return Ok(());
            }
        }
        let name = self.function_name(&f.name)?;
        if !self.policy.function_allowed(self.dialect(), &name) {
            // Another dialect's function gets its usual equivalent in this one.
            let advice = self.dialect().function_hint(&name).unwrap_or_else(|| {
                "use standard aggregate, window, date, string and JSON functions".into()
            });
            return Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "function {} is not allowed for role {}; {advice}",
                    f.name, self.policy.name
                ),
            ));
        }
        if f.uses_odbc_syntax || !matches!(f.parameters, FunctionArguments::None) {
            return Err(unsupported("this function call syntax"));
        }
        let bound = self.dialect.function_bound(&name);
        if let Some(bound) = bound {
            self.check_bound(&name, bound, &f.args)?;
        }
        // SQLite's function forms of LIKE and GLOB (`like(pattern, text)`) search as the
        // operators do, and count as they do.
        if self.dialect == Dialect::Sqlite
            && matches!(name.as_str(), "like" | "glob")
            && let FunctionArguments::List(list) = &f.args
        {
            let arg = |i: usize| match list.args.get(i) {
                Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) => Some(e),
                _ => None,
            };
            match (arg(0), arg(1)) {
                (Some(pattern), Some(text)) => {
                    self.pattern_bound(pattern)?;
                    self.search_in(text, Some(pattern))?;
                }
                _ => return Err(self.unbounded(&name)),
            }
        }
        if name == "length"
            && let FunctionArguments::List(list) = &f.args
            && let [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Cast { data_type, .. }))] =
                list.args.as_slice()
            && matches!(data_type, DataType::Blob(_))
        {
            self.byte_length_cast.set(true);
        }
        self.function_arguments(&mut f.args)?;
        self.byte_length_cast.set(false);
        if self.dialect == Dialect::Sqlite
            && let FunctionArguments::List(list) = &mut f.args
        {
            for i in super::searches::json_path_args(&name, list.args.len()) {
                if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(path))) =
                    list.args.get_mut(i)
                {
                    self.bound_json_path(&name, path)?;
                }
            }
        }
        if let FunctionArguments::List(list) = &mut f.args {
            match bound {
                Some(crate::dialect::Bound::Series) => super::series::cap(&mut list.args),
                Some(crate::dialect::Bound::Needle { arg, max }) => {
                    if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) =
                        list.args.get_mut(arg)
                    {
                        super::searches::guard(e, max);
                    }
                }
                Some(
                    crate::dialect::Bound::Count { arg, max }
                    | crate::dialect::Bound::Width { arg, max },
                ) => {
                    if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) =
                        list.args.get_mut(arg)
                    {
                        super::sizes::guard(e, &name, max);
                    }
                }
                _ => {}
            }
        }
        for o in &mut f.within_group {
            self.order_by_expr(o)?;
        }
        if let Some(filter) = &mut f.filter {
            self.expr(filter)?;
        }
        match &mut f.over {
            None | Some(WindowType::NamedWindow(_)) => Ok(()),
            Some(WindowType::WindowSpec(spec)) => self.window_spec(spec),
        }
    }

    /// Arguments of value-building functions must keep the value small.
    pub(super) fn check_bound(
        &self,
        name: &str,
        bound: crate::dialect::Bound,
        args: &FunctionArguments,
    ) -> Walk {
        let FunctionArguments::List(list) = args else {
            return Err(self.unbounded(name));
        };
        if !list.clauses.is_empty() {
            return Err(self.unbounded(name));
        }
        self.check_bound_args(name, bound, &list.args)
    }

    /// Whether `e` (subqueries included) calls a function whose value may differ between two
    /// evaluations in one statement: a volatile built-in (`random()`, `clock_timestamp()`, ...)
    /// or a function a policy added, whose volatility is unknown. A run-time guard that reads
    /// such a value twice (`CASE WHEN check(x) THEN x END`) checks one value and passes on
    /// another.
    pub(super) fn may_vary(&self, e: &Expr) -> bool {
        // A value that reads a column or a query may read one computed with such a function
        // elsewhere in the statement (a derived table's, a CTE's), which the database may
        // inline; constants and stable calls (`date '2025-01-01'`, `now()`) read the same twice.
        (self.varying && reads_data(e)) || self.calls_varying(e)
    }

    /// Whether `node` (subqueries included) calls a function [`Self::may_vary`] names.
    pub(super) fn calls_varying<V: sqlparser::ast::Visit>(&self, node: &V) -> bool {
        let mut varies = false;
        let _ = sqlparser::ast::visit_expressions(node, |x| {
            if let Expr::Function(f) = x {
                let name = self.function_name(&f.name).ok();
                let pure = name.is_some_and(|n| {
                    !crate::dialect::functions::VOLATILE.contains(&n.as_str())
                        && self.dialect().allows_function(&n)
                });
                if !pure {
                    varies = true;
                    return std::ops::ControlFlow::Break(());
                }
            }
            std::ops::ControlFlow::Continue(())
        });
        varies
    }

    /// [`Self::check_bound`] on a plain argument list (calls and table functions alike).
    pub(super) fn check_bound_args(
        &self,
        name: &str,
        bound: crate::dialect::Bound,
        list: &[FunctionArg],
    ) -> Walk {
        use crate::dialect::{Bound, functions::format_is_bounded};
        let arg = |i: usize| match list.get(i) {
            Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) => Some(e),
            _ => None,
        };
        let ok = match bound {
            Bound::FormatString => {
                matches!(arg(0), Some(Expr::Value(v)) if matches!(&v.value, Value::SingleQuotedString(s) if format_is_bounded(s)))
            }
            Bound::Count { arg: i, max } => {
                let count_ok = matches!(arg(i), Some(Expr::Value(v)) if matches!(&v.value, Value::Number(n, _) if n.parse::<u64>().is_ok_and(|n| n <= max)))
                    || self.guarded_size(arg(i));
                // A literal, or a column of a stored table: never a value the statement built
                // (a CTE's `repeat(...)` repeated again multiplies).
                let base_ok = match arg(0) {
                    Some(Expr::Value(_)) => true,
                    Some(e @ (Expr::Identifier(_) | Expr::CompoundIdentifier(_))) => {
                        self.stored_column(e)
                    }
                    _ => false,
                };
                count_ok && base_ok
            }
            Bound::Width { arg: i, max } => {
                matches!(arg(i), Some(Expr::Value(v)) if matches!(&v.value, Value::Number(n, _) if n.parse::<u64>().is_ok_and(|n| n <= max)))
                    || self.guarded_size(arg(i))
            }
            Bound::Needle { arg: i, max } => {
                if let Some(haystack) = arg(0) {
                    self.search_in(haystack, arg(i))?;
                }
                match arg(i) {
                    Some(Expr::Value(v)) => super::searches::literal_needle_fits(&v.value, max),
                    // Guarded at run time (`searches::guard`), which reads it twice and
                    // copies it.
                    Some(e) if self.may_vary(e) => return Err(varying_needle(name)),
                    Some(e) if self.holds_guarded_search(e) => {
                        return Err(super::searches::nested_needle(name));
                    }
                    _ => true,
                }
            }
            Bound::SearchConfig { min_args } => {
                let config = matches!(arg(0), Some(Expr::Value(v))
                    if matches!(&v.value, Value::SingleQuotedString(s) if crate::dialect::functions::builtin_search_config(s)));
                if list.len() < min_args || !config {
                    return Err(Denial::new(
                        Rule::FunctionNotAllowed,
                        format!(
                            "{name}(...) needs its text search configuration first, as a literal naming one of PostgreSQL's built-in ones, e.g. {name}('english', ...) or {name}('simple', ...)"
                        ),
                    ));
                }
                true
            }
            Bound::Series => {
                let exprs: Vec<&Expr> = (0..list.len()).map_while(arg).collect();
                self.series.set(self.series.get() + 1);
                if self.series.get() > 1 {
                    return Err(Denial::new(
                        Rule::FunctionNotAllowed,
                        format!(
                            "{name}(...) may be used once per statement (series would multiply); join the one series to your data instead"
                        ),
                    ));
                }
                // A series of computed bounds is guarded at run time (`series::cap`), which
                // reads its bounds twice: each must give the same value both times.
                if exprs.iter().take(2).any(|e| self.may_vary(e)) {
                    return Err(Denial::new(
                        Rule::FunctionNotAllowed,
                        format!(
                            "{name}(...) bounds are read twice, so they may not depend on random(), clock_timestamp() or another function whose value changes between two reads, nor read a column or subquery in a statement that calls one; use literals, now() or current_date"
                        ),
                    ));
                }
                if exprs.len() != list.len() || !super::series::bounded(&exprs) {
                    return Err(Denial::new(
                        Rule::FunctionNotAllowed,
                        format!(
                            "{name}(...) is allowed only when its row count is bounded: number bounds with a literal step (or none), literal bounds making at most {} values, or date/timestamp bounds with a literal step of one second to two years, up or down, such as '1 month' or interval '-1 day' (computed bounds that would make more than {} values fail when the statement runs)",
                            super::series::MAX_ROWS,
                            super::series::MAX_ROWS + 1
                        ),
                    ));
                }
                true
            }
        };
        if ok {
            Ok(())
        } else {
            Err(self.unbounded(name))
        }
    }

    /// Whether a count or width that is no literal may be checked when the statement runs
    /// (`sizes::guard`, PostgreSQL): it is read twice, so it must read the same both times.
    /// A count that builds with `repeat`, `lpad` or `rpad` itself is refused: each guard reads
    /// its count three times, so nested guards would grow the statement as a power.
    fn guarded_size(&self, e: Option<&Expr>) -> bool {
        self.dialect == Dialect::Postgres
            && e.is_some_and(|e| {
                !matches!(e, Expr::Value(_)) && !self.may_vary(e) && !self.builds_sizes(e)
            })
    }

    fn builds_sizes(&self, e: &Expr) -> bool {
        let mut found = false;
        let _ = sqlparser::ast::visit_expressions(e, |x| {
            if let Expr::Function(f) = x
                && self.function_name(&f.name).is_ok_and(|n| {
                    matches!(
                        self.dialect.function_bound(&n),
                        Some(
                            crate::dialect::Bound::Count { .. }
                                | crate::dialect::Bound::Width { .. }
                        )
                    )
                })
            {
                found = true;
                return std::ops::ControlFlow::Break(());
            }
            std::ops::ControlFlow::Continue(())
        });
        found
    }

    pub(super) fn unbounded(&self, name: &str) -> Denial {
        Denial::new(
            Rule::FunctionNotAllowed,
            format!(
                "{name}(...) is allowed only with small sizes (widths of at most 3 digits, counts of at most 100-1000, or on PostgreSQL a computed count or width, checked when the statement runs, that does not call random() or the like) over a column or literal; it can otherwise build huge values"
            ),
        )
    }

    pub(super) fn function_arguments(&mut self, args: &mut FunctionArguments) -> Walk {
        match args {
            FunctionArguments::None => Ok(()),
            FunctionArguments::Subquery(q) => self.query(q),
            FunctionArguments::List(list) => {
                for arg in &mut list.args {
                    self.function_arg(arg)?;
                }
                for clause in &mut list.clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(exprs) => {
                            for o in exprs {
                                self.order_by_expr(o)?;
                            }
                        }
                        FunctionArgumentClause::IgnoreOrRespectNulls(_) => {}
                        FunctionArgumentClause::Limit(e) => self.expr(e)?,
                        FunctionArgumentClause::Separator(_)
                            if self.dialect().has_separator_clause() => {}
                        _ => return Err(unsupported("this clause inside a function call")),
                    }
                }
                Ok(())
            }
        }
    }

    pub(super) fn function_arg(&mut self, arg: &mut FunctionArg) -> Walk {
        let arg = match arg {
            FunctionArg::Unnamed(a) | FunctionArg::Named { arg: a, .. } => a,
            // `name => value` parses as an expression-named argument; the name must be a
            // plain identifier, and the value is walked like any other.
            FunctionArg::ExprNamed {
                name: Expr::Identifier(_),
                arg: a,
                ..
            } => a,
            FunctionArg::ExprNamed { .. } => return Err(unsupported("expression-named arguments")),
        };
        match arg {
            FunctionArgExpr::Expr(e) => self.expr(e),
            FunctionArgExpr::Wildcard | FunctionArgExpr::QualifiedWildcard(_) => Ok(()),
            FunctionArgExpr::WildcardWithOptions(_) => Err(unsupported("wildcard options")),
        }
    }

    pub(super) fn window_spec(&mut self, spec: &mut WindowSpec) -> Walk {
        for e in &mut spec.partition_by {
            self.expr(e)?;
        }
        for o in &mut spec.order_by {
            self.order_by_expr(o)?;
        }
        if let Some(frame) = &mut spec.window_frame {
            for bound in std::iter::once(&mut frame.start_bound).chain(frame.end_bound.as_mut()) {
                match bound {
                    WindowFrameBound::CurrentRow => {}
                    WindowFrameBound::Preceding(e) | WindowFrameBound::Following(e) => {
                        if let Some(e) = e {
                            self.expr(e)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn order_by(&mut self, order_by: &mut OrderBy) -> Walk {
        if order_by.interpolate.is_some() {
            return Err(unsupported("ORDER BY ... INTERPOLATE"));
        }
        match &mut order_by.kind {
            OrderByKind::Expressions(exprs) => {
                for o in exprs {
                    self.order_by_expr(o)?;
                }
                Ok(())
            }
            OrderByKind::All(_) => Err(unsupported("ORDER BY ALL")),
        }
    }

    pub(super) fn order_by_expr(&mut self, o: &mut OrderByExpr) -> Walk {
        if o.with_fill.is_some() {
            return Err(unsupported("ORDER BY ... WITH FILL"));
        }
        self.expr(&mut o.expr)
    }
}

pub(super) fn plain_wildcard(opts: &WildcardAdditionalOptions) -> Walk {
    if opts.opt_ilike.is_some()
        || opts.opt_exclude.is_some()
        || opts.opt_except.is_some()
        || opts.opt_replace.is_some()
        || opts.opt_rename.is_some()
        || opts.opt_alias.is_some()
    {
        return Err(unsupported(
            "wildcard modifiers (EXCLUDE, EXCEPT, REPLACE, RENAME)",
        ));
    }
    Ok(())
}

/// A search needle that [`Walker::may_vary`] found changing between reads.
pub(super) fn varying_needle(name: &str) -> Denial {
    Denial::new(
        Rule::FunctionNotAllowed,
        format!(
            "{name}(...): a search text that is no literal is read twice, so it may not depend on random() or another function whose value changes between two reads, nor read a column or subquery in a statement that calls one"
        ),
    )
}

/// Whether `e` reads a column or a query's result (anything but constants and calls on them).
fn reads_data(e: &Expr) -> bool {
    let mut reads = false;
    let _ = sqlparser::ast::visit_expressions(e, |x| {
        if matches!(
            x,
            Expr::Identifier(_)
                | Expr::CompoundIdentifier(_)
                | Expr::CompoundFieldAccess { .. }
                | Expr::Subquery(_)
                | Expr::Exists { .. }
                | Expr::InSubquery { .. }
                | Expr::Wildcard(_)
                | Expr::QualifiedWildcard(..)
        ) {
            reads = true;
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    reads
}
