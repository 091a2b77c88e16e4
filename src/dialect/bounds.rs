//! Functions that can build huge values or look things up by name, and the argument bounds
//! that make them safe.

use super::Dialect;

/// Functions that can build huge values from small input, and the bound that makes them safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A format string (argument 0) must be a literal whose widths and precisions have at most
    /// three digits and are never `*`.
    FormatString,
    /// Argument `arg` must be a literal count of at most `max`, and argument 0 must not be a
    /// function call (so calls cannot nest into a multiplication).
    Count { arg: usize, max: u64 },
    /// Argument `arg` must be a literal width of at most `max`; the result is cut or padded to
    /// exactly that width (`lpad`, `rpad`), so argument 0 may be any expression.
    Width { arg: usize, max: u64 },
    /// A series (PostgreSQL `generate_series`): literal integer bounds making a bounded count,
    /// or date/time bounds with a literal interval step, capped by a rewrite (see
    /// `sql::analyze::series`).
    Series,
    /// Argument `arg` is searched for in, or matched against, argument 0, at a cost of their
    /// lengths multiplied, inside one call the statement timeout cannot interrupt (SQLite
    /// `instr`, `replace`, `trim`): a literal must be at most `max` characters, and any other
    /// value is rewritten to `CASE WHEN length(x) <= max THEN x END` (longer: no match, NULL).
    Needle { arg: usize, max: usize },
    /// A text search function: argument 0 must be one of PostgreSQL's built-in text search
    /// configurations written as a literal, and the call must have at least `min_args`
    /// arguments (the form without one reads the server's `default_text_search_config`; a
    /// configuration named by the caller is looked up by name, schemas and all, whose errors
    /// tell which schemas and configurations exist).
    SearchConfig { min_args: usize },
}

/// PostgreSQL's built-in text search configurations (`pg_catalog`).
const SEARCH_CONFIGS: &[&str] = &[
    "simple",
    "arabic",
    "armenian",
    "basque",
    "catalan",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hindi",
    "hungarian",
    "indonesian",
    "irish",
    "italian",
    "lithuanian",
    "nepali",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "serbian",
    "spanish",
    "swedish",
    "tamil",
    "turkish",
    "yiddish",
];

/// Whether `name` (a literal's value) is a built-in text search configuration, optionally
/// written `pg_catalog.name`.
pub fn builtin_search_config(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let bare = name.strip_prefix("pg_catalog.").unwrap_or(&name);
    SEARCH_CONFIGS.contains(&bare)
}

/// The longest needle of SQLite's `instr` and `replace` (memcmp per position: 32 MiB against
/// 1,000 characters takes under a second).
pub const MAX_NEEDLE: usize = 1000;
/// SQLite searches (LIKE, GLOB, instr, replace, trim) one statement may make in text it built
/// itself (not a stored column or a literal): each is one step the statement timeout cannot
/// stop, on text of up to 32 MiB, and a row of many of them ran on for minutes.
pub const MAX_BUILT_SEARCHES: usize = 8;

/// The longest LIKE or GLOB pattern SQLite takes (`SQLITE_MAX_LIKE_PATTERN_LENGTH` in
/// `.cargo/config.toml`; a longer one is its error "LIKE or GLOB pattern too complex").
pub const MAX_LIKE_PATTERN: usize = 100;
/// The longest character set of SQLite's `trim` family (each character tried at each position).
pub const MAX_TRIM_SET: usize = 100;

pub(super) fn bounded(dialect: Dialect, name: &str) -> Option<Bound> {
    match (dialect, name) {
        (Dialect::Postgres, "format") | (Dialect::Sqlite, "printf" | "format") => {
            Some(Bound::FormatString)
        }
        (_, "repeat") => Some(Bound::Count { arg: 1, max: 100 }),
        (Dialect::Postgres, "lpad" | "rpad") => Some(Bound::Width { arg: 1, max: 1000 }),
        (Dialect::Postgres, "generate_series") => Some(Bound::Series),
        (Dialect::Sqlite, "instr" | "replace") => Some(Bound::Needle {
            arg: 1,
            max: MAX_NEEDLE,
        }),
        (Dialect::Sqlite, "trim" | "ltrim" | "rtrim") => Some(Bound::Needle {
            arg: 1,
            max: MAX_TRIM_SET,
        }),
        (
            Dialect::Postgres,
            "to_tsvector"
            | "to_tsquery"
            | "plainto_tsquery"
            | "phraseto_tsquery"
            | "websearch_to_tsquery",
        ) => Some(Bound::SearchConfig { min_args: 2 }),
        (Dialect::Postgres, "ts_headline") => Some(Bound::SearchConfig { min_args: 3 }),
        _ => None,
    }
}

/// Whether a format string keeps every width and precision small.
pub fn format_is_bounded(fmt: &str) -> bool {
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        while chars.peek().is_some_and(|c| "-+ 0#',!".contains(*c)) {
            chars.next();
        }
        for _ in 0..2 {
            if chars.peek() == Some(&'*') {
                return false;
            }
            let mut digits = 0;
            while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                chars.next();
                digits += 1;
            }
            // PostgreSQL's `%1$s` positional form: the digits were a position, not a width.
            if chars.peek() == Some(&'$') {
                chars.next();
                digits = 0;
                while chars.peek().is_some_and(|c| "-+ 0#',!".contains(*c)) {
                    chars.next();
                }
                if chars.peek() == Some(&'*') {
                    return false;
                }
                while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    chars.next();
                    digits += 1;
                }
            }
            if digits > 3 {
                return false;
            }
            if chars.peek() == Some(&'.') {
                chars.next();
            } else {
                break;
            }
        }
    }
    true
}
