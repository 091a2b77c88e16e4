//! The per-database facts the rest of the code asks about, as methods of one type, instead of
//! `match dialect` spread over the code (sqlparser's own rule for its `Dialect` trait): how
//! identifiers fold and compare, how a name is quoted, how a bound parameter is written, the
//! default schema, and the quirks governance and the rewrite must respect.
//!
//! Also which functions each database allows by default (`functions`), and the sqlparser
//! dialect and parser settings its SQL is read with.
//!
//! Below both `policy/` and `sql/`, and imports neither (nor sqlparser's AST).

mod bounds;
pub mod functions;
mod hints;

use sqlparser::parser::Parser;

pub use functions::Bound;

/// Deep enough for real analytics SQL, shallow enough that no walk can exhaust the stack.
const RECURSION_LIMIT: usize = 48;

static POSTGRES_SYNTAX: sqlparser::dialect::PostgreSqlDialect =
    sqlparser::dialect::PostgreSqlDialect {};
static SQLITE_SYNTAX: sqlparser::dialect::SQLiteDialect = sqlparser::dialect::SQLiteDialect {};

/// The SQL dialect of a target database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    Sqlite,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The schema unqualified names resolve in when none is configured.
    pub fn default_schema(self) -> &'static str {
        match self {
            Dialect::Postgres => "public",
            Dialect::Sqlite => "main",
        }
    }

    /// The character that quotes an identifier.
    pub fn quote_char(self) -> char {
        '"'
    }

    /// An identifier as the database reads it: PostgreSQL folds unquoted names to lower case
    /// and keeps quoted ones exact; SQLite compares ASCII case-insensitively either way.
    pub fn fold(self, name: &str, quoted: bool) -> String {
        match (self, quoted) {
            (Dialect::Postgres, true) => name.to_string(),
            (Dialect::Postgres, false) | (Dialect::Sqlite, _) => name.to_ascii_lowercase(),
        }
    }

    /// A key under which two spellings of one catalog name are equal.
    pub fn catalog_key(self, name: &str) -> String {
        match self {
            Dialect::Postgres => name.to_string(),
            Dialect::Sqlite => name.to_ascii_lowercase(),
        }
    }

    /// Whether two already-folded names denote the same object.
    pub fn same_name(self, a: &str, b: &str) -> bool {
        match self {
            Dialect::Postgres => a == b,
            Dialect::Sqlite => a.eq_ignore_ascii_case(b),
        }
    }

    /// The placeholder of the `n`th (1-based) bound parameter.
    pub fn placeholder(self, n: usize) -> String {
        format!("{}{n}", self.placeholder_prefix())
    }

    /// What numbered placeholders start with (`$1` / `?1`).
    pub fn placeholder_prefix(self) -> char {
        match self {
            Dialect::Postgres => '$',
            Dialect::Sqlite => '?',
        }
    }

    /// SQLite's anonymous `?` placeholders (numbered by position before attributes are bound).
    pub fn has_anonymous_placeholders(self) -> bool {
        self == Dialect::Sqlite
    }

    /// Whether `EXPLAIN` should ask for the query plan (SQLite's plain EXPLAIN is bytecode).
    pub fn explains_query_plan(self) -> bool {
        self == Dialect::Sqlite
    }

    /// Whether `LIMIT` may follow a bare `VALUES` list directly.
    pub fn limits_bare_values(self) -> bool {
        self == Dialect::Postgres
    }

    /// A schema whose functions may be called qualified (`pg_catalog.lower(x)`).
    pub fn function_schema(self) -> Option<&'static str> {
        match self {
            Dialect::Postgres => Some("pg_catalog"),
            Dialect::Sqlite => None,
        }
    }

    /// Whether `UNNEST(...)` may appear in FROM.
    pub fn has_unnest(self) -> bool {
        self == Dialect::Postgres
    }

    /// Whether `group_concat(x SEPARATOR ...)`-style separators are part of the dialect.
    pub fn has_separator_clause(self) -> bool {
        self == Dialect::Sqlite
    }

    /// A subquery clause that neither planner flattens or pushes predicates through
    /// (the row-filter barrier): `(limit, offset)`.
    pub fn fence(self) -> (Option<&'static str>, &'static str) {
        match self {
            Dialect::Postgres => (None, "0"),
            // SQLite has no OFFSET without LIMIT; -1 is "no limit".
            Dialect::Sqlite => (Some("-1"), "0"),
        }
    }

    /// Whether comparisons can raise on a row (PostgreSQL: operators not marked leakproof;
    /// SQLite comparisons never raise).
    pub fn comparisons_can_raise(self) -> bool {
        self == Dialect::Postgres
    }

    /// The sqlparser dialect this database's SQL is tokenized and parsed with.
    pub fn syntax(self) -> &'static dyn sqlparser::dialect::Dialect {
        match self {
            Dialect::Postgres => &POSTGRES_SYNTAX,
            Dialect::Sqlite => &SQLITE_SYNTAX,
        }
    }

    /// A parser for this database's SQL, with the recursion limit every parse uses.
    pub fn parser(self) -> Parser<'static> {
        Parser::new(self.syntax()).with_recursion_limit(RECURSION_LIMIT)
    }

    /// Whether a function (name already folded) is on this database's default allowlist.
    pub fn allows_function(self, name: &str) -> bool {
        functions::default_allows(self, name)
    }

    /// Whether a set-returning function may be used in FROM by default.
    pub fn allows_table_function(self, name: &str) -> bool {
        functions::default_allows_in_from(self, name)
    }

    /// The argument bound a value-building function must respect, if it is one.
    pub fn function_bound(self, name: &str) -> Option<Bound> {
        functions::bounded(self, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts() {
        assert_eq!(Dialect::Postgres.fold("Orders", false), "orders");
        assert_eq!(Dialect::Postgres.fold("Orders", true), "Orders");
        assert_eq!(Dialect::Sqlite.fold("Orders", true), "orders");
        assert!(Dialect::Sqlite.same_name("ID", "id"));
        assert!(!Dialect::Postgres.same_name("ID", "id"));
        assert_eq!(Dialect::Postgres.placeholder(3), "$3");
        assert_eq!(Dialect::Sqlite.placeholder(3), "?3");
        assert_eq!(Dialect::Sqlite.default_schema(), "main");
    }
}
