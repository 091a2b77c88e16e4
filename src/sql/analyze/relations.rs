//! Table references: resolution, grants, the derived-table rewrite and column checks.

use super::*;

impl Walker<'_> {
    pub(super) fn table_factor(&mut self, tf: &mut TableFactor) -> Walk {
        if let Some(a) = super::super::names::alias_of(tf) {
            check_name(&a.name)?;
            a.columns.iter().try_for_each(|c| check_name(&c.name))?;
        }
        match tf {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_hints,
            } => {
                if !with_hints.is_empty()
                    || version.is_some()
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || !index_hints.is_empty()
                {
                    return Err(unsupported("table hints, versions and partitions"));
                }
                if sample.is_some() {
                    return Err(unsupported("TABLESAMPLE"));
                }
                match args {
                    Some(table_args) => {
                        if table_args.settings.is_some() {
                            return Err(unsupported("SETTINGS in table functions"));
                        }
                        self.table_function(name, &table_args.args)?;
                        self.column_definitions(alias.as_ref())?;
                        for arg in &mut table_args.args {
                            self.function_arg(arg)?;
                        }
                        self.table_function_walked(name, &mut table_args.args);
                        let base = columns::function_columns(
                            self.dialect,
                            name,
                            alias.as_ref(),
                            *with_ordinality,
                        );
                        let fallback = function_name(self.dialect, name);
                        self.register_opaque(
                            alias.as_ref(),
                            fallback,
                            base.map(super::Columns::from),
                        );
                        self.note_table_function();
                        Ok(())
                    }
                    None if *with_ordinality => Err(unsupported("WITH ORDINALITY on a table")),
                    None => {
                        if let Some(replacement) = self.relation(name, alias)? {
                            *tf = replacement;
                        }
                        Ok(())
                    }
                }
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample,
            } => {
                if sample.is_some() {
                    return Err(unsupported("TABLESAMPLE"));
                }
                // A derived table that is not LATERAL does not see the FROM items before it
                // (the database looks past them, to enclosing queries): nor does governance.
                let siblings = if *lateral {
                    None
                } else {
                    self.from.last_mut().map(std::mem::take)
                };
                let mark = self.out_of_sight.len();
                self.out_of_sight.extend(siblings.iter().flatten().cloned());
                let walked = self.query(subquery);
                self.out_of_sight.truncate(mark);
                if let (Some(siblings), Some(level)) = (siblings, self.from.last_mut()) {
                    *level = siblings;
                }
                walked?;
                let base = self.last_columns.take();
                self.register_opaque(alias.as_ref(), None, base.map(super::Columns::from));
                Ok(())
            }
            TableFactor::Function {
                lateral: _,
                name,
                args,
                with_ordinality,
                alias,
            } => {
                self.table_function(name, args)?;
                self.column_definitions(alias.as_ref())?;
                for arg in args.iter_mut() {
                    self.function_arg(arg)?;
                }
                self.table_function_walked(name, args);
                let base =
                    columns::function_columns(self.dialect, name, alias.as_ref(), *with_ordinality);
                let fallback = function_name(self.dialect, name);
                self.register_opaque(alias.as_ref(), fallback, base.map(super::Columns::from));
                self.note_table_function();
                Ok(())
            }
            TableFactor::UNNEST {
                array_exprs,
                with_offset,
                with_ordinality,
                alias,
                ..
            } if self.dialect().has_unnest() => {
                if *with_offset {
                    return Err(unsupported("UNNEST ... WITH OFFSET"));
                }
                for e in array_exprs.iter_mut() {
                    self.expr(e)?;
                }
                // Its columns depend on the argument's type (an array: one value; a tsvector:
                // lexeme, positions, weights): known only for one argument that is an array
                // by its syntax; otherwise only a column alias list names them.
                let base = match array_exprs.as_slice() {
                    [one] if columns::is_array(one) => {
                        let mut columns = vec![
                            alias
                                .as_ref()
                                .map(|a| normalize_ident(self.dialect, &a.name))
                                .unwrap_or_else(|| "unnest".into()),
                        ];
                        if *with_ordinality {
                            columns.push("ordinality".into());
                        }
                        Some(columns)
                    }
                    _ => None,
                };
                self.register_opaque(
                    alias.as_ref(),
                    Some("unnest".into()),
                    base.map(super::Columns::from),
                );
                self.note_table_function();
                Ok(())
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let start = self.from.last().map_or(0, Vec::len);
                let merged = columns::merges_columns(table_with_joins);
                self.table_with_joins(table_with_joins)?;
                // `(a JOIN b) AS j`: the alias hides the names inside; only `j` is visible,
                // with the columns of both sides.
                if let Some(alias) = alias {
                    let inner: Vec<FromItem> = self
                        .from
                        .last_mut()
                        .map(|level| level.drain(start.min(level.len())..).collect())
                        .unwrap_or_default();
                    let columns = inner
                        .iter()
                        .map(|i| self.columns_of(i).map(<[String]>::to_vec))
                        .collect::<Option<Vec<_>>>()
                        .map(|c| c.concat())
                        .filter(|_| !merged);
                    // (hidden behind the alias until this SELECT ends)
                    self.out_of_sight.extend(inner);
                    self.register_opaque(Some(alias), None, columns.map(super::Columns::from));
                }
                Ok(())
            }
            _ => Err(unsupported("this kind of FROM item")),
        }
    }

    /// A table function's column definition list (`AS t(a int, b text)`, for the functions
    /// returning a record): each type is one a cast may name, since the function converts
    /// the caller's JSON to it as a cast would.
    fn column_definitions(&self, alias: Option<&TableAlias>) -> Walk {
        for column in alias.iter().flat_map(|a| &a.columns) {
            if let Some(dt) = &column.data_type {
                self.data_type(dt)?;
            }
        }
        Ok(())
    }

    /// Mark the FROM item just registered as a table function (see `columns`).
    fn note_table_function(&mut self) {
        if let Some(item) = self.from.last_mut().and_then(|level| level.last_mut()) {
            item.function = true;
        }
    }

    /// A FROM item whose columns are the caller's own: `base` (where known) renamed by the
    /// alias's column list.
    pub(super) fn register_opaque(
        &mut self,
        alias: Option<&TableAlias>,
        fallback: Option<String>,
        base: Option<super::Columns>,
    ) {
        // (names of aliases are checked in `table_factor`)
        let name = alias
            .map(|a| normalize_ident(self.dialect, &a.name))
            .or(fallback);
        let columns = columns::renamed(self.dialect, alias, base);
        // An item no name can reach (a derived table without an alias) still counts for `*`.
        if let Some(items) = self.from.last_mut() {
            items.push(FromItem {
                name: name.unwrap_or_default(),
                kind: ItemKind::Opaque(columns),
                key: None,
                table: None,
                function: false,
            });
        }
    }

    /// A table or view reference: a CTE in scope, or a catalog table the role is granted.
    /// Returns the derived table that replaces a restricted table.
    pub(super) fn relation(
        &mut self,
        name: &mut ObjectName,
        alias: &Option<TableAlias>,
    ) -> Result<Option<TableFactor>, Denial> {
        let dialect = self.dialect();
        let shown = name.to_string();
        for part in &name.0 {
            if let sqlparser::ast::ObjectNamePart::Identifier(ident) = part {
                check_name(ident)?;
            }
        }
        let parts =
            normalize_name(dialect, name).ok_or_else(|| unsupported("a computed table name"))?;
        if let [single] = parts.as_slice()
            && let Some(cte) = self.cte(single)
        {
            let columns = cte.columns.clone();
            self.register_opaque(alias.as_ref(), Some(single.clone()), columns);
            return Ok(None);
        }
        let not_granted = || {
            Denial::new(
                Rule::TableNotGranted,
                format!(
                    "table {shown} does not exist or is not granted to role {}; call list_tables to see the tables you may query",
                    self.policy.name
                ),
            )
        };
        let table = match self.catalog.resolve(&parts) {
            Some(t) => t,
            None => return Err(not_granted()),
        };
        let resolved = table.name.clone();
        if self.mode == Mode::Filter {
            // Row filters are written by the DBA: qualify, never govern.
            *name = quoted_name(&resolved);
            return Ok(None);
        }
        let Some(access) = self.policy.access(&resolved) else {
            return Err(not_granted());
        };
        self.analysis.tables.push(resolved.clone());
        let ref_name = alias
            .as_ref()
            .map(|a| normalize_ident(dialect, &a.name))
            .unwrap_or_else(|| resolved.name.clone());
        let renamed = alias.as_ref().is_some_and(|a| !a.columns.is_empty());
        let kind = if renamed {
            ItemKind::Opaque(columns::renamed(
                dialect,
                alias.as_ref(),
                Some(super::Columns::from(access.visible.as_slice())),
            ))
        } else {
            ItemKind::Table(access.clone())
        };
        let key = match kind {
            ItemKind::Table(_) if access.restricted() => {
                super::grouping::GroupKey::of(self.dialect, table, &access.visible)
            }
            _ => None,
        };
        if let Some(items) = self.from.last_mut() {
            items.push(FromItem {
                name: ref_name.clone(),
                kind,
                key,
                table: Some(resolved.clone()),
                function: false,
            });
        }
        if !access.restricted() {
            *name = quoted_name(&resolved);
            return Ok(None);
        }
        let subquery = Box::new(self.governed_subquery(&resolved, access)?);
        if access.has_filter() {
            self.fences
                .push(barrier::Fence::new(&subquery, resolved.clone()));
        } else {
            self.plain
                .push(barrier::Fence::new(&subquery, resolved.clone()));
        }
        let alias = alias.clone().unwrap_or(TableAlias {
            explicit: true,
            name: quoted(&ref_name),
            columns: vec![],
            at: None,
        });
        Ok(Some(TableFactor::Derived {
            lateral: false,
            subquery,
            alias: Some(alias),
            sample: None,
        }))
    }

    /// `SELECT <visible columns> FROM "schema"."table" WHERE <row filter>`, with the filter's
    /// attributes bound as parameters.
    pub(super) fn governed_subquery(
        &mut self,
        table: &QualifiedName,
        access: &TableAccess,
    ) -> Result<Query, Denial> {
        let filter = match &access.filter {
            None => None,
            Some(f) => {
                let mut f = f.clone();
                self.bind_attributes(&mut f, table)?;
                Some(f)
            }
        };
        let fenced = filter.is_some();
        let projection = match (fenced, self.dialect) {
            (true, Dialect::Postgres) => barrier::statistics_blind(
                &access.visible,
                self.catalog.get(&table.schema, &table.name),
            ),
            _ => access
                .visible
                .iter()
                .map(|c| SelectItem::UnnamedExpr(Expr::Identifier(quoted(c))))
                .collect(),
        };
        let mut query = crate::sql::rewrite::select_from(quoted_name(table), projection, filter);
        if fenced {
            barrier::fence(&mut query, self.dialect);
        }
        Ok(query)
    }

    /// Replace each `attr('name')` of a filter with a placeholder bound to the principal's value.
    pub(super) fn bind_attributes(&mut self, filter: &mut Expr, table: &QualifiedName) -> Walk {
        let attrs = self.attrs;
        let dialect = self.dialect;
        let base = self.param_count;
        let bound = &mut self.analysis.bound;
        let role = &self.policy.name;
        let mut failure: Option<Denial> = None;
        let _ = sqlparser::ast::visit_expressions_mut(filter, |e| {
            let Some(attr) = attr_call(e) else {
                return std::ops::ControlFlow::<()>::Continue(());
            };
            let Some(value) = attrs.and_then(|a| a.get(&attr)) else {
                failure = Some(Denial::new(
                    Rule::AttributeMissing,
                    format!(
                        "table {table} is filtered by the principal attribute `{attr}`, which this principal does not have; ask the operator to set it for role {role}"
                    ),
                ));
                return std::ops::ControlFlow::Break(());
            };
            bound.push(value.clone());
            let n = base + bound.len();
            *e = Expr::value(Value::Placeholder(dialect.placeholder(n)));
            std::ops::ControlFlow::Continue(())
        });
        match failure {
            Some(d) => Err(d),
            None => Ok(()),
        }
    }

    pub(super) fn hides(&self, item: &FromItem, column: &str) -> bool {
        matches!(&item.kind, ItemKind::Table(access) if access.hidden.iter().any(|h| self.col_eq(h, column)))
    }

    pub(super) fn exposes(&self, item: &FromItem, column: &str) -> bool {
        match &item.kind {
            ItemKind::Table(access) => access.visible.iter().any(|v| self.col_eq(v, column)),
            ItemKind::Opaque(Some(columns)) => columns.iter().any(|c| self.col_eq(c, column)),
            ItemKind::Opaque(None) => true,
        }
    }

    /// The answer for a column the role may not see, and for one that does not exist: the
    /// same, so that the two cannot be told apart.
    pub(super) fn hidden(&self, table: &str, column: &str) -> Denial {
        let name = if table.is_empty() {
            column.to_string()
        } else {
            format!("{table}.{column}")
        };
        Denial::new(
            Rule::ColumnHidden,
            format!(
                "column {name} does not exist or is not visible to role {}; it may not be selected, filtered, joined, grouped or sorted on. Call describe_table for the visible columns",
                self.policy.name
            ),
        )
    }

    /// [`Self::hidden`] for an unqualified name, hidden or missing alike: the table named is
    /// the SELECT's own FROM item when it has just one, wherever the name was found.
    fn unqualified_hidden(&self, column: &str) -> Denial {
        match self.from.last().map(Vec::as_slice) {
            Some([only]) => self.hidden(&only.name, column),
            _ => self.hidden("", column),
        }
    }

    /// Whether the columns of every FROM item in scope are known.
    pub(super) fn all_columns_known(&self) -> bool {
        self.from
            .iter()
            .flatten()
            .all(|i| self.columns_of(i).is_some())
    }

    /// Whether an unqualified name no FROM item in scope shows (nor is named) is to be refused:
    /// not one of the database's system columns, nor (SQLite) a double-quoted name, which
    /// SQLite reads as a string when no column has it (hidden or missing alike).
    fn no_such_column(&self, ident: &Ident, column: &str) -> bool {
        !(self.system_column(column)
            || (self.dialect == Dialect::Sqlite && ident.quote_style == Some('"')))
    }

    pub(super) fn normalized(&self, parts: &[Ident]) -> Vec<String> {
        parts
            .iter()
            .map(|p| normalize_ident(self.dialect, p))
            .collect()
    }

    /// For `schema.table.column`: the name of the FROM item that is that catalog table
    /// referenced without an alias (as the database resolves such a name), if any.
    pub(super) fn schema_qualified(&self, parts: &[Ident]) -> Option<String> {
        let [schema, table, _] = self.normalized(parts).try_into().ok()?;
        self.from.iter().rev().find_map(|items| {
            items.iter().rev().find_map(|i| {
                let t = i.table.as_ref()?;
                (self.col_eq(&t.schema, &schema)
                    && self.col_eq(&t.name, &table)
                    && self.col_eq(&i.name, &t.name))
                .then(|| i.name.clone())
            })
        })
    }

    /// The FROM item a qualifier names: the innermost scope's, the last of that name there.
    pub(super) fn item_named(&self, qualifier: &str) -> Option<&FromItem> {
        self.from
            .iter()
            .rev()
            .find_map(|items| items.iter().rev().find(|i| self.col_eq(&i.name, qualifier)))
    }

    /// A column reference: denied if it names a column the role may not see.
    pub(super) fn column(&self, parts: &[Ident]) -> Walk {
        if self.mode == Mode::Filter {
            return Ok(());
        }
        match self.normalized(parts).as_slice() {
            [column] => {
                if self.output_aliases.iter().any(|a| self.col_eq(a, column)) {
                    return Ok(());
                }
                // Where some FROM item's columns are not known, the name is left to the
                // database, hidden or not (a hidden column is not in its table's derived
                // table, so the database cannot read it): answering a hidden name here but
                // not a missing one would tell the two apart.
                if !self.all_columns_known() {
                    return Ok(());
                }
                // The innermost SELECT that has the name decides, as in the database: a column
                // first, then the whole row of a FROM item of that name. A level that hides
                // the name does not stop the search: its derived table lacks the column, so
                // the database looks further out too.
                if self.from.iter().rev().any(|items| {
                    items
                        .iter()
                        .any(|i| self.exposes(i, column) || self.col_eq(&i.name, column))
                }) {
                    return Ok(());
                }
                // SQLite reads a double-quoted name no column has as a string: a hidden one is
                // refused all the same (it names a column the role may not see), a missing
                // one is the caller's string.
                if self.dialect == Dialect::Sqlite
                    && parts[0].quote_style == Some('"')
                    && self.from.iter().flatten().any(|i| self.hides(i, column))
                {
                    return Err(self.unqualified_hidden(column));
                }
                self.system_column_of_view(column)?;
                // No FROM item in scope shows the name (hidden or no column at all): one
                // answer for both (the database's "no such column" would tell them apart).
                if self.no_such_column(&parts[0], column) {
                    return Err(self.unqualified_hidden(column));
                }
                Ok(())
            }
            [.., qualifier, column] => match self.item_named(qualifier) {
                // A system column of a table read through the role's view, which has none
                // (one answer whether or not a hidden column has the name).
                Some(
                    item @ FromItem {
                        kind: ItemKind::Table(access),
                        ..
                    },
                ) if access.restricted()
                    && self.system_column(column)
                    && !self.exposes(item, column) =>
                {
                    Err(self.no_system_column(item, column))
                }
                Some(item) if self.hides(item, column) => Err(self.hidden(qualifier, column)),
                // A system column of a table read as it is (not a filtered derived table).
                Some(FromItem {
                    kind: ItemKind::Table(access),
                    ..
                }) if !access.restricted() && self.system_column(column) => Ok(()),
                // A catalog table's column that does not exist: as if hidden (see above).
                Some(item)
                    if matches!(item.kind, ItemKind::Table(_)) && !self.exposes(item, column) =>
                {
                    Err(self.hidden(qualifier, column))
                }
                // `x.f` may be a function call to PostgreSQL (see `columns`).
                item if self.dialect == Dialect::Postgres => {
                    self.qualified_column(item, &self.normalized(parts))
                }
                _ => Ok(()),
            },
            [] => Ok(()),
        }
    }
}

/// The name a table function's result is referenced by when it has no alias.
fn function_name(dialect: Dialect, name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        sqlparser::ast::ObjectNamePart::Identifier(i) => Some(normalize_ident(dialect, i)),
        _ => None,
    }
}

/// `attr('name')` -> `Some("name")`.
pub(super) fn attr_call(e: &Expr) -> Option<String> {
    let Expr::Function(f) = e else {
        return None;
    };
    let [sqlparser::ast::ObjectNamePart::Identifier(ident)] = f.name.0.as_slice() else {
        return None;
    };
    if !ident.value.eq_ignore_ascii_case("attr") || ident.quote_style.is_some() {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}
