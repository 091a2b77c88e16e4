//! What a model should know about a dialect before it writes SQL, and the hint it gets when it
//! wrote another dialect's SQL: the date idiom, and the usual equivalent of a function or
//! operator that this database does not have.
//!
//! Input: a function name, or a database error (SQLSTATE and message). Output: one short line,
//! or nothing. Never replaces the database's own message: callers add the line after it.

use super::Dialect;

/// Functions of the *other* dialects a model tends to write, with this dialect's equivalent.
const ON_SQLITE: &[(&str, &str)] = &[
    (
        "median",
        "window functions: WITH r AS (SELECT x, row_number() OVER (ORDER BY x) AS rn, count(*) OVER () AS n FROM t) SELECT avg(x) FROM r WHERE rn IN ((n + 1) / 2, (n + 2) / 2)",
    ),
    (
        "percentile_cont",
        "window functions: rank the values with row_number() OVER (ORDER BY x) and count(*) OVER (), then pick the rank you need",
    ),
    (
        "date_trunc",
        "strftime('%Y-%m', ts) for months, date(ts) for days, strftime('%Y', ts) for years",
    ),
    (
        "date_part",
        "strftime('%Y', ts) / strftime('%m', ts) (text; cast to integer)",
    ),
    (
        "extract",
        "strftime('%Y', ts) / strftime('%m', ts) (text; cast to integer)",
    ),
    ("to_char", "strftime('%Y-%m-%d', ts)"),
    ("to_date", "date(text)"),
    (
        "to_timestamp",
        "datetime(text) or datetime(epoch, 'unixepoch')",
    ),
    ("now", "datetime('now')"),
    ("age", "julianday(a) - julianday(b) (days)"),
    ("string_agg", "group_concat(x, ', ')"),
    ("array_agg", "group_concat(x, ', ') or json_group_array(x)"),
    (
        "ilike",
        "LIKE (case-insensitive for ASCII in SQLite) or lower(x) LIKE lower(p)",
    ),
    ("position", "instr(haystack, needle)"),
    ("strpos", "instr(haystack, needle)"),
    ("left", "substr(x, 1, n)"),
    ("right", "substr(x, -n)"),
    ("greatest", "max(a, b) (the scalar, two-argument form)"),
    ("least", "min(a, b) (the scalar, two-argument form)"),
    ("generate_series", "a recursive CTE"),
];

const ON_POSTGRES: &[(&str, &str)] = &[
    (
        "strftime",
        "to_char(ts, 'YYYY-MM') or date_trunc('month', ts)",
    ),
    ("datetime", "now() or CAST(x AS timestamp)"),
    ("date", "CAST(x AS date) or current_date"),
    ("julianday", "extract(epoch FROM ts) / 86400"),
    ("unixepoch", "extract(epoch FROM ts)"),
    ("group_concat", "string_agg(x::text, ', ')"),
    ("json_group_array", "json_agg(x)"),
    ("ifnull", "coalesce(a, b)"),
    ("instr", "strpos(haystack, needle)"),
    ("substring_index", "split_part(x, delimiter, n)"),
    ("datediff", "b::date - a::date (days)"),
    ("date_format", "to_char(ts, 'YYYY-MM-DD')"),
    ("iif", "CASE WHEN c THEN a ELSE b END"),
];

impl Dialect {
    /// The product name a person or model knows the database by.
    pub fn product(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
        }
    }

    /// How this dialect buckets a timestamp by month, in a few words.
    pub fn date_idiom(self) -> &'static str {
        match self {
            Dialect::Postgres => "date_trunc('month', ts)",
            Dialect::Sqlite => "strftime('%Y-%m', ts)",
        }
    }

    /// Whether a column of this declared type holds text a model would filter on by value
    /// (PostgreSQL `text`/`varchar`/`char`/`citext`; SQLite's TEXT affinity).
    pub fn is_text_type(self, type_name: &str) -> bool {
        let t = type_name.trim().to_ascii_lowercase();
        match self {
            Dialect::Postgres => [
                "text",
                "character",
                "varchar",
                "char",
                "citext",
                "bpchar",
                "name",
            ]
            .iter()
            .any(|p| t.starts_with(p)),
            Dialect::Sqlite => ["char", "clob", "text"].iter().any(|p| t.contains(p)),
        }
    }

    /// The usual equivalent in this dialect of a function (folded name) it does not have.
    pub fn equivalent_of(self, function: &str) -> Option<&'static str> {
        let table = match self {
            Dialect::Postgres => ON_POSTGRES,
            Dialect::Sqlite => ON_SQLITE,
        };
        table
            .iter()
            .find(|(f, _)| f.eq_ignore_ascii_case(function))
            .map(|(_, e)| *e)
    }

    /// A hint line for a function call this dialect does not have (or the policy does not
    /// allow): names the dialect and, where known, the usual equivalent.
    pub fn function_hint(self, function: &str) -> Option<String> {
        self.equivalent_of(function)
            .map(|e| format!("this is {}: instead of {function}, use {e}", self.product()))
    }

    /// A hint line for a database error caused by writing another dialect's SQL (an unknown
    /// function, an operator that does not exist for those types, syntax another dialect has),
    /// or `None` when the error is not of that kind.
    pub fn error_hint(self, sqlstate: Option<&str>, message: &str) -> Option<String> {
        let product = self.product();
        match self {
            Dialect::Postgres => match sqlstate {
                // undefined_function: "function strftime(unknown, text) does not exist",
                // "operator does not exist: text = integer"
                Some("42883") => {
                    if let Some(rest) = message.strip_prefix("operator does not exist:") {
                        return Some(format!(
                            "this is {product}, which does not convert types implicitly ({}): cast one side, e.g. x::text or $1::int",
                            rest.trim()
                        ));
                    }
                    let name = message
                        .strip_prefix("function ")
                        .and_then(|r| r.split('(').next())
                        .map(|n| n.rsplit('.').next().unwrap_or(n).trim_matches('"'));
                    Some(match name.and_then(|n| self.function_hint(n)) {
                        Some(h) => h,
                        None => format!(
                            "this is {product}: check the function's name and argument types (cast arguments, e.g. x::text); dates: {}",
                            self.date_idiom()
                        ),
                    })
                }
                // syntax_error near a keyword PostgreSQL lacks
                Some("42601") => Some(format!(
                    "this is {product}: write {product} syntax (dates: {})",
                    self.date_idiom()
                ))
                .filter(|_| message.contains("syntax error")),
                _ => None,
            },
            Dialect::Sqlite => {
                // SQLite's messages are its only structure: "no such function: date_trunc",
                // "near \"ILIKE\": syntax error", "unrecognized token: \":\"".
                if let Some(name) = message.strip_prefix("no such function:") {
                    let name = name.trim();
                    return Some(self.function_hint(name).unwrap_or_else(|| {
                        format!(
                            "this is {product}: {name} is not one of its functions; dates: {}",
                            self.date_idiom()
                        )
                    }));
                }
                let near = message
                    .strip_prefix("near \"")
                    .and_then(|r| r.split('"').next());
                if let Some(word) = near {
                    if let Some(h) = self.function_hint(&word.to_ascii_lowercase()) {
                        return Some(h);
                    }
                    if word == "::" || word == ":" {
                        return Some(format!(
                            "this is {product}: write CAST(x AS type) instead of x::type"
                        ));
                    }
                    return Some(format!(
                        "this is {product}: write {product} syntax (no ::casts, INTERVAL or ILIKE; dates: {})",
                        self.date_idiom()
                    ));
                }
                if message.starts_with("unrecognized token: \":") {
                    return Some(format!(
                        "this is {product}: write CAST(x AS type) instead of x::type"
                    ));
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_hints_name_the_dialect_and_the_equivalent() {
        let h = Dialect::Sqlite
            .error_hint(Some("1"), "no such function: date_trunc")
            .unwrap_or_default();
        assert!(h.contains("SQLite") && h.contains("strftime"), "{h}");
        let h = Dialect::Sqlite
            .error_hint(Some("1"), "near \"ILIKE\": syntax error")
            .unwrap_or_default();
        assert!(h.contains("LIKE") && h.contains("lower("), "{h}");
        let h = Dialect::Sqlite
            .error_hint(Some("1"), "no such function: frobnicate")
            .unwrap_or_default();
        assert!(h.contains("SQLite"), "{h}");
        assert_eq!(
            Dialect::Sqlite.error_hint(Some("1"), "no such column: nosuchcolumn"),
            None
        );
    }

    #[test]
    fn postgres_hints_name_the_dialect_and_the_equivalent() {
        let h = Dialect::Postgres
            .error_hint(
                Some("42883"),
                "function strftime(unknown, timestamp without time zone) does not exist",
            )
            .unwrap_or_default();
        assert!(h.contains("PostgreSQL") && h.contains("to_char"), "{h}");
        let h = Dialect::Postgres
            .error_hint(Some("42883"), "operator does not exist: text = integer")
            .unwrap_or_default();
        assert!(h.contains("text = integer") && h.contains("cast"), "{h}");
        assert_eq!(
            Dialect::Postgres.error_hint(Some("42703"), "column \"x\" does not exist"),
            None
        );
        assert_eq!(
            Dialect::Postgres.function_hint("date_trunc"),
            None,
            "PostgreSQL has date_trunc"
        );
    }
}
