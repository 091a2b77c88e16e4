//! Text -> one parsed statement of an allowed kind.
//!
//! Checks done before the parser sees the text: length cap and invisible Unicode. After
//! parsing: exactly one statement, and its kind must be a query or an EXPLAIN of a query.
//! Never returns a statement it did not parse from the whole input.

use sqlparser::ast::Statement;
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};

use super::{Denial, Dialect, GovernError, Rule};

/// Deep enough for real analytics SQL, shallow enough that no walk can exhaust the stack.
const RECURSION_LIMIT: usize = 48;

pub(crate) fn parse(sql: &str, dialect: Dialect, max_len: usize) -> Result<Statement, GovernError> {
    if sql.len() > max_len {
        return Err(Denial::new(
            Rule::SqlTooLong,
            format!(
                "the SQL text is {} bytes; the limit is {max_len} bytes",
                sql.len()
            ),
        )
        .into());
    }
    if let Some((pos, ch)) = sql.char_indices().find(|(_, c)| is_invisible(*c)) {
        return Err(Denial::new(
            Rule::InvisibleUnicode,
            format!(
                "the SQL text contains an invisible or control character U+{:04X} at byte {pos}; \
                 send plain text without zero-width, bidirectional or control characters",
                ch as u32
            ),
        )
        .into());
    }
    let statements = parse_all(sql, dialect).map_err(parse_error)?;
    let mut statements = statements.into_iter();
    let first = statements.next();
    // The parser can stop early and drop the rest of the text (e.g. at a bare END), so count
    // statement separators in the token stream too: a `;` followed by anything but comments.
    if statements.next().is_some() || (sql.contains(';') && has_trailing_statement(sql, dialect)) {
        return Err(Denial::new(
            Rule::MultipleStatements,
            "exactly one statement is allowed per call; remove the `;` and everything after it",
        )
        .into());
    }
    match first {
        Some(statement) => {
            check_kind(&statement)?;
            Ok(statement)
        }
        None => Err(GovernError::Parse("the SQL text is empty".into())),
    }
}

pub(crate) fn parse_all(sql: &str, dialect: Dialect) -> Result<Vec<Statement>, ParserError> {
    let parser = match dialect {
        Dialect::Postgres => Parser::new(&PostgreSqlDialect {}),
        Dialect::Sqlite => Parser::new(&SQLiteDialect {}),
    };
    parser
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)?
        .parse_statements()
}

/// True when a `;` token is followed by another meaningful token.
fn has_trailing_statement(sql: &str, dialect: Dialect) -> bool {
    use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};
    let tokens = match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, sql).tokenize(),
    };
    let Ok(tokens) = tokens else {
        // The parser tokenized it successfully a moment ago; refuse if the tokenizer disagrees.
        return true;
    };
    let mut after_semicolon = false;
    for token in tokens {
        match token {
            Token::SemiColon => after_semicolon = true,
            Token::Whitespace(Whitespace::Space | Whitespace::Newline | Whitespace::Tab)
            | Token::Whitespace(Whitespace::SingleLineComment { .. })
            | Token::Whitespace(Whitespace::MultiLineComment(_))
            | Token::EOF => {}
            _ if after_semicolon => return true,
            _ => {}
        }
    }
    false
}

fn parse_error(e: ParserError) -> GovernError {
    match e {
        ParserError::RecursionLimitExceeded => GovernError::Parse(
            "the statement is nested too deeply; flatten subqueries or use a CTE".into(),
        ),
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => {
            GovernError::Parse(format!("could not parse SQL: {m}"))
        }
    }
}

/// Allowed statement kinds: a query, or EXPLAIN (never ANALYZE) of a query.
pub(crate) fn check_kind(statement: &Statement) -> Result<(), Denial> {
    match statement {
        Statement::Query(_) => Ok(()),
        Statement::Explain {
            analyze,
            options,
            statement: inner,
            ..
        } => {
            let analyze_option = options.iter().flatten().any(|o| {
                o.name.value.eq_ignore_ascii_case("analyze")
                    && !o.arg.as_ref().is_some_and(|a| {
                        let s = a.to_string().to_ascii_lowercase();
                        s == "false" || s == "off" || s == "0"
                    })
            });
            if *analyze || analyze_option {
                return Err(Denial::new(
                    Rule::ExplainAnalyze,
                    "EXPLAIN ANALYZE executes the statement; use EXPLAIN without ANALYZE",
                ));
            }
            match inner.as_ref() {
                Statement::Query(_) => Ok(()),
                other => Err(kind_denial(other)),
            }
        }
        other => Err(kind_denial(other)),
    }
}

fn kind_denial(statement: &Statement) -> Denial {
    Denial::new(
        Rule::StatementKind,
        format!(
            "only read-only queries (SELECT, WITH, VALUES, EXPLAIN) are allowed; {} statements are not",
            statement_keyword(statement)
        ),
    )
}

/// The leading keyword(s) of a statement, for messages. Derived from the printed form so it
/// never needs a match over every statement kind.
fn statement_keyword(statement: &Statement) -> String {
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    let first = words.first().copied().unwrap_or("this kind of");
    let keyword = match first.to_ascii_uppercase().as_str() {
        "CREATE" | "DROP" | "ALTER" => words.join(" "),
        _ => first.to_string(),
    };
    keyword
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == ' ')
        .collect()
}

/// Characters a reader cannot see but a tokenizer can: zero-width, bidi controls, BOM, tag
/// characters, soft hyphen, and C0/C1 controls other than tab, CR and LF.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{0008}' | '\u{000B}' | '\u{000C}' | '\u{000E}'..='\u{001F}'
        | '\u{007F}'..='\u{009F}'
        | '\u{00A0}' | '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
        | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{2000}'..='\u{200F}' | '\u{2028}'..='\u{202F}' | '\u{205F}'..='\u{206F}'
        | '\u{3000}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}
