//! Identifiers and the catalog of tables a database exposes.
//!
//! Normalization follows the database, not the text: PostgreSQL folds unquoted identifiers to
//! lower case and keeps quoted ones exact; SQLite compares ASCII case-insensitively either way.
//! The catalog lists the tables and views of the configured schemas only; system catalogs are
//! never in it, so they can only be reached if a policy grants them explicitly.

use std::collections::HashMap;
use std::fmt;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

use super::Dialect;

/// A resolved `schema.table`, in the database's own spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// One table or view as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTable {
    pub name: QualifiedName,
    pub columns: Vec<String>,
    /// The declared type of each column, in `columns` order (PostgreSQL: `format_type` without
    /// modifiers, e.g. `integer`, `character varying`; SQLite: the declared type). Empty when
    /// unknown; the row-filter barrier then keeps every caller predicate outside the fence.
    pub types: Vec<String>,
    pub is_view: bool,
    /// The primary key's columns in key order (exact spelling); empty for views and tables
    /// without one.
    pub primary_key: Vec<String>,
}

impl CatalogTable {
    /// The declared type of `column` (exact spelling), if known.
    pub fn column_type(&self, column: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == column)?;
        self.types.get(i).map(String::as_str)
    }
}

/// Tables and views of the configured schemas, keyed by normalized name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    dialect: Option<Dialect>,
    /// Search order for unqualified names.
    schemas: Vec<String>,
    tables: HashMap<(String, String), CatalogTable>,
}

impl Catalog {
    pub fn new(dialect: Dialect, schemas: Vec<String>, tables: Vec<CatalogTable>) -> Self {
        let tables = tables
            .into_iter()
            .map(|t| {
                (
                    (key(dialect, &t.name.schema), key(dialect, &t.name.name)),
                    t,
                )
            })
            .collect();
        Catalog {
            dialect: Some(dialect),
            schemas,
            tables,
        }
    }

    pub fn schemas(&self) -> &[String] {
        &self.schemas
    }

    pub fn tables(&self) -> impl Iterator<Item = &CatalogTable> {
        self.tables.values()
    }

    pub fn len(&self) -> usize {
        self.tables.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// Look a table up by already-normalized schema and name.
    pub fn get(&self, schema: &str, name: &str) -> Option<&CatalogTable> {
        let d = self.dialect?;
        self.tables.get(&(key(d, schema), key(d, name)))
    }

    /// Resolve normalized name parts the way the database would.
    /// `None` when no table of the configured schemas matches.
    pub fn resolve(&self, parts: &[String]) -> Option<&CatalogTable> {
        match parts {
            [name] => self.schemas.iter().find_map(|s| self.get(s, name)),
            [schema, name] => self.get(schema, name),
            _ => None,
        }
    }
}

fn key(dialect: Dialect, s: &str) -> String {
    dialect.catalog_key(s)
}

/// An identifier as the database will read it.
pub(crate) fn normalize_ident(dialect: Dialect, ident: &Ident) -> String {
    dialect.fold(&ident.value, ident.quote_style.is_some())
}

/// Normalized parts of an object name; `None` if a part is not a plain identifier.
pub(crate) fn normalize_name(dialect: Dialect, name: &ObjectName) -> Option<Vec<String>> {
    name.0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => Some(normalize_ident(dialect, ident)),
            _ => None,
        })
        .collect()
}

/// An object name with every part double-quoted, spelled exactly as the catalog has it.
pub(crate) fn quoted_name(name: &QualifiedName) -> ObjectName {
    ObjectName::from(vec![quoted(&name.schema), quoted(&name.name)])
}

/// An identifier quoted exactly as spelled (our own rewrites only ever target quoting dialects).
pub(crate) fn quoted(name: &str) -> Ident {
    Ident::with_quote('"', name)
}

/// Parse a user-supplied table name (`orders`, `public.orders`, `"Mixed Case"`) into normalized
/// parts. `None` if it is not a plain (optionally schema-qualified) name.
pub fn parse_table_name(dialect: Dialect, text: &str) -> Option<Vec<String>> {
    if text.len() > 512 || text.chars().any(super::parse::is_invisible) {
        return None;
    }
    let mut parser = dialect.parser().try_with_sql(text).ok()?;
    let name = parser.parse_object_name(false).ok()?;
    if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
        return None;
    }
    let parts = normalize_name(dialect, &name)?;
    (1..=2).contains(&parts.len()).then_some(parts)
}

/// The alias of a FROM item, for the kinds of items governance allows.
pub(crate) fn alias_of(tf: &sqlparser::ast::TableFactor) -> Option<&sqlparser::ast::TableAlias> {
    use sqlparser::ast::TableFactor;
    match tf {
        TableFactor::Table { alias, .. }
        | TableFactor::Derived { alias, .. }
        | TableFactor::Function { alias, .. }
        | TableFactor::UNNEST { alias, .. }
        | TableFactor::NestedJoin { alias, .. } => alias.as_ref(),
        _ => None,
    }
}
