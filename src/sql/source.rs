//! The caller's own text of each result column of the outermost SELECT, as SQLite names an
//! unaliased column: verbatim, as written (`ceil(2.1)`, `COUNT( * )`), which the parser's
//! printing normalizes (`CEIL(2.1)`, `COUNT(*)`).

use sqlparser::ast::Expr;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::Dialect;

/// Keywords that end a SELECT list at the top level.
const LIST_ENDS: &[&str] = &[
    "from",
    "where",
    "group",
    "having",
    "window",
    "order",
    "limit",
    "union",
    "intersect",
    "except",
    "offset",
    "fetch",
];

/// The verbatim text of each item of the first top-level SELECT list in `sql`, in order;
/// `None` where the list cannot be found plainly (the caller then keeps the printed text).
pub(crate) fn select_list(sql: &str, dialect: Dialect) -> Option<Vec<String>> {
    let tokens = Tokenizer::new(dialect.syntax(), sql)
        .tokenize_with_location()
        .ok()?;
    let word = |t: &TokenWithSpan, any: &[&str]| {
        matches!(&t.token, Token::Word(w) if w.quote_style.is_none()
            && any.iter().any(|k| w.value.eq_ignore_ascii_case(k)))
    };
    let significant = |t: &&TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    // The first SELECT outside any parentheses (after a WITH clause's bodies).
    let mut depth = 0usize;
    let mut start = None;
    for (i, t) in tokens.iter().enumerate() {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.checked_sub(1)?,
            _ if depth == 0 && word(t, &["select"]) => {
                start = Some(i + 1);
                break;
            }
            _ => {}
        }
    }
    let mut rest = tokens[start?..].iter().filter(significant).peekable();
    while rest.peek().is_some_and(|t| word(t, &["distinct", "all"])) {
        rest.next();
    }
    let offsets = line_offsets(sql);
    let mut items = Vec::new();
    let mut first: Option<&TokenWithSpan> = None;
    let mut last: Option<&TokenWithSpan> = None;
    let mut depth = 0usize;
    for t in rest {
        match &t.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.checked_sub(1)?,
            Token::Comma if depth == 0 => {
                items.push(text(sql, &offsets, first?, last?)?);
                (first, last) = (None, None);
                continue;
            }
            Token::EOF | Token::SemiColon if depth == 0 => break,
            _ if depth == 0 && word(t, LIST_ENDS) => break,
            _ => {}
        }
        first = first.or(Some(t));
        last = Some(t);
    }
    items.push(text(sql, &offsets, first?, last?)?);
    Some(items)
}

/// Whether `text` is read as exactly `expr` (so it is that column's own text).
pub(crate) fn reads_as(text: &str, expr: &Expr, dialect: Dialect) -> bool {
    dialect
        .parser()
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .is_ok_and(|e| e == *expr)
}

/// The byte offset of each line's start.
fn line_offsets(sql: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The source text from the start of `first` to the end of `last`.
fn text(sql: &str, lines: &[usize], first: &TokenWithSpan, last: &TokenWithSpan) -> Option<String> {
    let at = |line: u64, column: u64| -> Option<usize> {
        let start = *lines.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let column = usize::try_from(column).ok()?.checked_sub(1)?;
        // (columns count characters)
        sql[start..]
            .char_indices()
            .nth(column)
            .map(|(i, _)| start + i)
            .or_else(|| (start + column == sql.len()).then_some(sql.len()))
    };
    let from = at(first.span.start.line, first.span.start.column)?;
    let to = at(last.span.end.line, last.span.end.column)?;
    sql.get(from..to).map(str::to_string)
}
