//! Named placeholders (`:from`, `:segment`) of DBA query templates -> the dialect's numbered
//! placeholders (`$1` / `?1`), by token, never by text search.
//!
//! Input: template SQL and the dialect. Output: the same statement with each `:name` replaced
//! by the number of its parameter (the same name always gets the same number) and the names in
//! bind order. Values are never spliced into the text: they are bound at execution, and the
//! statement still goes through [`govern`](super::govern) for the caller's role.
//! A `:name` inside a string literal, a quoted identifier, a comment or a `::type` cast is not
//! a placeholder (the tokenizer tells them apart).

use sqlparser::tokenizer::{Token, Tokenizer};

use super::Dialect;

/// A template statement with numbered placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    /// The statement with `$n` / `?n` where `:name` stood.
    pub sql: String,
    /// Parameter names in bind order (`names[0]` is `$1`).
    pub names: Vec<String>,
    /// Byte offsets of each placeholder in the original text (for diagnostics), by name.
    pub offsets: Vec<(String, usize)>,
}

/// Why a template statement could not be numbered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NamedError {
    pub message: String,
    /// Byte offset in the text, when known.
    pub offset: usize,
}

/// Replace each `:name` by a numbered placeholder. `cast` may wrap a placeholder (by name) in a
/// cast the dialect needs (e.g. PostgreSQL `CAST($1 AS date)`), returning the SQL type.
pub fn number_placeholders(
    sql: &str,
    dialect: Dialect,
    cast: impl Fn(&str) -> Option<&'static str>,
) -> Result<Numbered, NamedError> {
    let tokens = Tokenizer::new(dialect.syntax(), sql)
        .with_unescape(false)
        .tokenize_with_location()
        .map_err(|e| NamedError {
            message: e.message.clone(),
            offset: 0,
        })?;
    let offset_of = |line: u64, column: u64| offset(sql, line, column);
    let mut out = String::with_capacity(sql.len());
    let mut names: Vec<String> = Vec::new();
    let mut offsets = Vec::new();
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        match (&t.token, tokens.get(i + 1)) {
            (Token::Colon, Some(next))
                if matches!(&next.token, Token::Word(w) if w.quote_style.is_none())
                    && next.span.start.line == t.span.end.line
                    && next.span.start.column == t.span.end.column =>
            {
                let Token::Word(w) = &next.token else {
                    return Err(NamedError {
                        message: "unexpected token after `:`".into(),
                        offset: offset_of(t.span.start.line, t.span.start.column),
                    });
                };
                let name = w.value.clone();
                let n = match names.iter().position(|x| *x == name) {
                    Some(p) => p + 1,
                    None => {
                        names.push(name.clone());
                        names.len()
                    }
                };
                offsets.push((
                    name.clone(),
                    offset_of(t.span.start.line, t.span.start.column),
                ));
                let p = dialect.placeholder(n);
                match cast(&name) {
                    Some(ty) => out.push_str(&format!("CAST({p} AS {ty})")),
                    None => out.push_str(&p),
                }
                i += 2;
            }
            (Token::Placeholder(p), _) => {
                return Err(NamedError {
                    message: format!(
                        "positional placeholder `{p}` in a template; name every parameter (`:name`)"
                    ),
                    offset: offset_of(t.span.start.line, t.span.start.column),
                });
            }
            (Token::SemiColon, _) => {
                return Err(NamedError {
                    message: "a template is one statement: remove the `;`".into(),
                    offset: offset_of(t.span.start.line, t.span.start.column),
                });
            }
            (token, _) => {
                out.push_str(&token.to_string());
                i += 1;
            }
        }
    }
    Ok(Numbered {
        sql: out,
        names,
        offsets,
    })
}

/// Whether `sql` parses as one statement of an allowed kind in `dialect` (no catalog needed:
/// tables, columns and functions are checked when it is governed for a role).
pub fn check_syntax(sql: &str, dialect: Dialect) -> Result<(), super::GovernError> {
    super::parse::parse(sql, dialect, usize::MAX).map(|_| ())
}

/// The byte offset of a 1-based line and (character) column.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let mut at = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n as u64 + 1 == line {
            return at
                + l.char_indices()
                    .nth(column.saturating_sub(1) as usize)
                    .map_or(l.len(), |(b, _)| b);
        }
        at += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_numbers_in_order_and_repeat() {
        let n = number_placeholders(
            "SELECT * FROM t WHERE a >= :from AND b < :to OR c = :from",
            Dialect::Postgres,
            |_| None,
        )
        .unwrap();
        assert_eq!(n.sql, "SELECT * FROM t WHERE a >= $1 AND b < $2 OR c = $1");
        assert_eq!(n.names, ["from", "to"]);
        let n = number_placeholders("SELECT :x", Dialect::Sqlite, |_| None).unwrap();
        assert_eq!(n.sql, "SELECT ?1");
    }

    #[test]
    fn strings_comments_casts_and_quoted_names_are_not_placeholders() {
        let n = number_placeholders(
            "SELECT ':no', x::date, \":no\" -- :no\nFROM t WHERE y = :yes",
            Dialect::Postgres,
            |_| None,
        )
        .unwrap();
        assert_eq!(n.names, ["yes"]);
        assert!(n.sql.contains("':no'"), "{}", n.sql);
        assert!(n.sql.contains("x::date"), "{}", n.sql);
        assert!(n.sql.ends_with("y = $1"), "{}", n.sql);
    }

    #[test]
    fn casts_wrap_typed_parameters() {
        let n = number_placeholders("SELECT 1 WHERE d >= :d", Dialect::Postgres, |n| {
            (n == "d").then_some("date")
        })
        .unwrap();
        assert_eq!(n.sql, "SELECT 1 WHERE d >= CAST($1 AS date)");
    }

    #[test]
    fn positional_placeholders_and_semicolons_are_refused() {
        assert!(number_placeholders("SELECT $1", Dialect::Postgres, |_| None).is_err());
        assert!(number_placeholders("SELECT ?", Dialect::Sqlite, |_| None).is_err());
        let e = number_placeholders("SELECT 1; DROP TABLE t", Dialect::Sqlite, |_| None);
        assert_eq!(e.map_err(|e| e.offset), Err(8));
    }
}
