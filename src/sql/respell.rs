//! Spellings the databases read and the parser does not, rewritten in the token list before
//! parsing (see [`respell`]).

use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use super::Dialect;

/// Spellings the database reads and the parser does not, given the parser's spelling of the
/// same operation (the governed text then carries that one):
/// - postfix `x ISNULL` is `x IS NULL` (both databases; `NOTNULL` the parser reads);
/// - SQLite's `x IS y` and `x IS NOT y` for any `y` are `x IS NOT DISTINCT FROM y` and
///   `x IS DISTINCT FROM y` (SQLite's `IS` compares, with NULL equal to NULL);
/// - PostgreSQL's window frame offset `'1 day'::interval PRECEDING` is
///   `INTERVAL '1 day' PRECEDING`;
/// - a CTE's `AS [NOT] MATERIALIZED (` is `AS (` (a planning hint: governance plans fences
///   itself, and the answer is the same).
pub(crate) fn respell(tokens: &mut Vec<TokenWithSpan>, dialect: Dialect) {
    let word = |t: &TokenWithSpan, value: &str| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(value));
    let next = |tokens: &[TokenWithSpan], from: usize| {
        (from..tokens.len()).find(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
    };
    // Whether the last token written ends an operand (so a word after it is a postfix
    // operator, not a name: `SELECT isnull`, `AS isnull`).
    let after_operand = |out: &[TokenWithSpan]| {
        let prev = out
            .iter()
            .rev()
            .find(|t| !matches!(t.token, Token::Whitespace(_)));
        prev.is_some_and(|t| match &t.token {
            Token::Word(w) => {
                w.quote_style.is_some()
                    || !STARTS_AN_OPERAND
                        .iter()
                        .any(|k| w.value.eq_ignore_ascii_case(k))
            }
            Token::RParen
            | Token::RBracket
            | Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::Placeholder(_) => true,
            _ => false,
        })
    };
    // Most statements have nothing to respell: the list is left as it is.
    let candidate = |t: &TokenWithSpan| match dialect {
        Dialect::Postgres => ["isnull", "materialized", "preceding", "following"]
            .iter()
            .any(|w| word(t, w)),
        Dialect::Sqlite => ["isnull", "materialized", "is"].iter().any(|w| word(t, w)),
    };
    if !tokens.iter().any(candidate) {
        return;
    }
    // One pass into a new list (respelling in place would move the rest of the list at each
    // change: quadratic in a statement of thousands of `IS`). Each token is moved once; the
    // lookahead only reads tokens not moved yet.
    let mut input = std::mem::take(tokens);
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(input.len() + input.len() / 8);
    let mut i = 0;
    while i < input.len() {
        let span = input[i].span;
        let keyword = |k: &str| TokenWithSpan::new(Token::make_keyword(k), span);
        let space = || TokenWithSpan::new(Token::Whitespace(Whitespace::Space), span);
        let take = |input: &mut Vec<TokenWithSpan>, i: usize| {
            std::mem::replace(&mut input[i], TokenWithSpan::new(Token::EOF, span))
        };
        let t = &input[i];
        if word(t, "isnull")
            && after_operand(&out)
            && next(&input, i + 1).is_none_or(|j| input[j].token != Token::LParen)
        {
            out.extend([keyword("IS"), space(), keyword("NULL")]);
            i += 1;
            continue;
        }
        // A window frame's offset `'1 day'::interval PRECEDING`: `INTERVAL '1 day' PRECEDING`.
        if dialect == Dialect::Postgres
            && matches!(t.token, Token::SingleQuotedString(_))
            && let Some(cast) =
                next(&input, i + 1).filter(|&j| input[j].token == Token::DoubleColon)
            && let Some(ty) = next(&input, cast + 1).filter(|&j| word(&input[j], "interval"))
            && next(&input, ty + 1)
                .is_some_and(|j| word(&input[j], "preceding") || word(&input[j], "following"))
        {
            out.extend([keyword("INTERVAL"), space(), take(&mut input, i)]);
            i = ty + 1;
            continue;
        }
        // `name AS [NOT] MATERIALIZED (...)`: a planning hint only; the CTE as written.
        if word(t, "as") {
            let mut j = next(&input, i + 1);
            if let Some(n) = j.filter(|&k| word(&input[k], "not")) {
                j = next(&input, n + 1);
            }
            // (a CTE's body follows, not an alias's column list: `t AS materialized(a, b)`)
            if let Some(m) = j.filter(|&k| word(&input[k], "materialized"))
                && let Some(open) = next(&input, m + 1).filter(|&k| input[k].token == Token::LParen)
                && next(&input, open + 1).is_some_and(|k| {
                    input[k].token == Token::LParen
                        || ["select", "with", "values", "table"]
                            .iter()
                            .any(|b| word(&input[k], b))
                })
            {
                out.extend([take(&mut input, i), space()]);
                i = m + 1;
                continue;
            }
        }
        if dialect == Dialect::Sqlite && word(t, "is") {
            let not = next(&input, i + 1).filter(|&j| word(&input[j], "not"));
            let operand = next(&input, not.unwrap_or(i) + 1);
            let predicate =
                operand.is_none_or(|j| IS_PREDICATES.iter().any(|p| word(&input[j], p)));
            if !predicate {
                out.push(take(&mut input, i));
                out.push(space());
                if not.is_none() {
                    out.extend([keyword("NOT"), space()]);
                }
                out.extend([keyword("DISTINCT"), space(), keyword("FROM")]);
                i = not.map_or(i, |n| n) + 1;
                continue;
            }
        }
        out.push(take(&mut input, i));
        i += 1;
    }
    *tokens = out;
}

/// Words after which a word starts an operand rather than following one.
const STARTS_AN_OPERAND: &[&str] = &[
    "as",
    "select",
    "distinct",
    "all",
    "from",
    "where",
    "and",
    "or",
    "not",
    "by",
    "on",
    "when",
    "then",
    "else",
    "join",
    "having",
    "case",
    "in",
    "is",
    "like",
    "between",
    "using",
    "limit",
    "offset",
    "returning",
    "set",
    "values",
    "with",
];

/// What the parser reads after `IS [NOT]` as a predicate of its own.
const IS_PREDICATES: &[&str] = &[
    "null",
    "true",
    "false",
    "unknown",
    "distinct",
    "normalized",
    "nfc",
    "nfd",
    "nfkc",
    "nfkd",
];
