//! Text -> one parsed statement of an allowed kind.
//!
//! Checks done before the parser sees the text: length cap and invisible Unicode. After
//! parsing: exactly one statement, and its kind must be a query or an EXPLAIN of a query.
//! Never returns a statement it did not parse from the whole input.

use sqlparser::ast::Statement;
use sqlparser::keywords::Keyword;
use sqlparser::parser::ParserError;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::{Denial, Dialect, GovernError, Rule};

/// Bound on the depth of operator chains (see [`scan_tokens`]); measured to leave ample stack
/// on the server's 8 MiB worker threads even in a debug build (a chain at the cap took up to
/// 4 MiB there on 2026-12-01, far less in a release build).
const MAX_CHAIN_DEPTH: usize = 300;

/// PostgreSQL's longest name (NAMEDATALEN - 1); longer ones are cut to it.
const PG_NAME_MAX: usize = 63;

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
    if let Some((pos, ch)) = first_invisible(sql) {
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
    // Tokenize once: the token stream is checked, then handed to the parser.
    let mut tokens = tokenize(sql, dialect)
        .map_err(|e| GovernError::Parse(format!("could not parse SQL: {e}")))?;
    super::respell::respell(&mut tokens, dialect);
    scan_tokens(&tokens, dialect)?;
    refuse_hex_integers(sql, &tokens)?;
    let statements = dialect
        .parser()
        .with_tokens_with_locations(tokens)
        .parse_statements()
        .map_err(|e| parse_error(e, sql))?;
    let mut statements = statements.into_iter();
    let first = statements.next();
    if statements.next().is_some() {
        return Err(multiple_statements().into());
    }
    match first {
        Some(statement) => {
            check_kind(&statement)?;
            Ok(statement)
        }
        None => Err(GovernError::Parse("the SQL text is empty".into())),
    }
}

/// Whether a quoted token's value would be printed back unfaithfully. sqlparser's printer does
/// not double a quote that follows a backslash, nor a quote already followed by a quote; such a
/// value prints as text that ends the literal early (`'\'; DROP ...`) or means another value.
/// The database must read exactly what governance read, so these values are refused. (The
/// fuzz target and `tests/fuzz_property.rs` check the general property: every allowed
/// statement's printed SQL governs again to the same text.)
fn prints_unfaithfully(value: &str, quote: char) -> bool {
    let mut previous = None;
    for c in value.chars() {
        if c == quote && matches!(previous, Some('\\')) {
            return true;
        }
        if c == quote && previous == Some(quote) {
            return true;
        }
        previous = Some(c);
    }
    false
}

/// `0x1F` is the integer 31 to SQLite (and to PostgreSQL 16 and later) but a blob to the parser,
/// which prints it as `X'1F'`: refused, with the decimal form to write instead.
fn refuse_hex_integers(sql: &str, tokens: &[TokenWithSpan]) -> Result<(), Denial> {
    for t in tokens {
        let Token::HexStringLiteral(digits) = &t.token else {
            continue;
        };
        let start = t.span.start;
        let text = sql
            .lines()
            .nth(usize::try_from(start.line).unwrap_or(0).saturating_sub(1))
            .and_then(|line| {
                let skip = usize::try_from(start.column).unwrap_or(0).saturating_sub(1);
                line.char_indices().nth(skip).map(|(i, _)| &line[i..])
            })
            .unwrap_or_default();
        if text.starts_with("0x") || text.starts_with("0X") {
            let decimal = u128::from_str_radix(digits, 16)
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "the number in decimal".into());
            return Err(Denial::new(
                Rule::UnsupportedSyntax,
                format!(
                    "0x{digits} is read as a blob by the SQL governance but as a number by the database; write {decimal}"
                ),
            ));
        }
    }
    Ok(())
}

/// A dollar-quote tag as PostgreSQL's lexer reads one.
fn dollar_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || !c.is_ascii())
        && chars.all(|c| c.is_alphanumeric() || c == '_' || !c.is_ascii())
}

fn unfaithful_literal() -> Denial {
    Denial::new(
        Rule::UnsupportedSyntax,
        "a string or quoted name contains a backslash before a quote, or a doubled quote, which cannot be passed \
         to the database unambiguously; rewrite that literal",
    )
}

fn tokenize(
    sql: &str,
    dialect: Dialect,
) -> Result<Vec<TokenWithSpan>, sqlparser::tokenizer::TokenizerError> {
    Tokenizer::new(dialect.syntax(), sql)
        .with_unescape(true)
        .tokenize_with_location()
}

/// The governed statement as printed must be read by the database as exactly that statement:
/// the printed text is parsed again and must give the same tree. The printer adds no
/// parentheses of its own and writes tokens side by side, so a tree that a rewrite built
/// without them (an OR under an AND), or two tokens that run together (`- -x` printed as
/// `--x`, a comment to the database, after which a newline in a later quoted name starts SQL
/// of the caller's choosing) would otherwise reach the database as another statement.
pub(crate) fn check_printed(
    sql: &str,
    statement: &Statement,
    dialect: Dialect,
) -> Result<(), Denial> {
    let unfaithful = || {
        Denial::new(
            Rule::UnsupportedSyntax,
            "this statement cannot be passed to the database exactly as governed; put signs and \
             operators in parentheses (e.g. -(-x), (a OR b)) and retry",
        )
    };
    // A NUL (an escape such as U&'\0000' decoded by the parser) would end the statement's
    // text on the wire.
    if sql.contains('\0') {
        return Err(unfaithful());
    }
    let tokens = tokenize(sql, dialect).map_err(|_| unfaithful())?;
    let comment = tokens.iter().any(|t| {
        matches!(
            t.token,
            Token::Whitespace(
                sqlparser::tokenizer::Whitespace::SingleLineComment { .. }
                    | sqlparser::tokenizer::Whitespace::MultiLineComment(_)
            )
        )
    });
    if comment {
        return Err(unfaithful());
    }
    let again = dialect
        .parser()
        .with_tokens_with_locations(tokens)
        .parse_statements()
        .map_err(|_| unfaithful())?;
    match again.as_slice() {
        [one] if one == statement => Ok(()),
        _ => {
            tracing::warn!(governed = %sql, "a governed statement does not print faithfully; refused");
            Err(unfaithful())
        }
    }
}

fn multiple_statements() -> Denial {
    Denial::new(
        Rule::MultipleStatements,
        "exactly one statement is allowed per call; remove the `;` and everything after it",
    )
}

/// Checks on the token stream, before parsing:
/// - a `;` followed by anything but comments is a second statement (the parser can stop early,
///   e.g. at a bare END, and silently drop the rest of the text);
/// - chains of infix operators (`a + b + c ...`, `x OR y OR ...`, `::t::t`, `UNION ...`) build
///   left-deep trees without tripping the parser's recursion limit, and a deep enough tree
///   exhausts the stack when it is walked, printed or dropped. An upper bound of the tree depth
///   is tracked per parenthesis level and capped.
fn scan_tokens(tokens: &[TokenWithSpan], dialect: Dialect) -> Result<(), Denial> {
    // Per open parenthesis (or CASE): the operators in the current chain, the set operators at
    // this level, and the depth of the deepest group closed in the current chain (a chain
    // that starts with or takes in `(...)` is that much deeper: `((1+1+...)+1+...)+1+...`).
    let mut levels: Vec<Level> = vec![Level::default()];
    let mut after_semicolon = false;
    let mut distinct = false;
    for t in tokens {
        match &t.token {
            Token::SemiColon => {
                after_semicolon = true;
                continue;
            }
            Token::Whitespace(_) | Token::EOF => continue,
            _ if after_semicolon => return Err(multiple_statements()),
            _ => {}
        }
        let after_distinct = distinct;
        distinct = matches!(&t.token, Token::Word(w) if w.keyword == Keyword::DISTINCT);
        match &t.token {
            Token::LParen | Token::LBracket => levels.push(Level::default()),
            Token::RParen | Token::RBracket => close_level(&mut levels),
            Token::Comma => new_chain(&mut levels),
            Token::SingleQuotedString(v) | Token::NationalStringLiteral(v)
                if prints_unfaithfully(v, '\'') =>
            {
                return Err(unfaithful_literal());
            }
            // PostgreSQL cuts names to 63 bytes: two names that differ after that are one to
            // it and two to governance.
            Token::Word(w) if dialect == Dialect::Postgres && w.value.len() > PG_NAME_MAX => {
                return Err(Denial::new(
                    Rule::UnsupportedSyntax,
                    format!(
                        "the name {}... is longer than PostgreSQL's {PG_NAME_MAX} bytes; use a shorter name or alias",
                        w.value.chars().take(20).collect::<String>()
                    ),
                ));
            }
            // PostgreSQL reads a tag that starts with a digit (`$1a$`) as the parameter $1
            // followed by more text, where the parser saw one string.
            Token::DollarQuotedString(d) if d.tag.as_deref().is_some_and(|t| !dollar_tag(t)) => {
                return Err(Denial::new(
                    Rule::UnsupportedSyntax,
                    "a dollar-quoted string's tag must start with a letter or _ and hold only letters, digits and _ ($tag$...$tag$)",
                ));
            }
            Token::DoubleQuotedString(v) if prints_unfaithfully(v, '"') => {
                return Err(unfaithful_literal());
            }
            Token::HexStringLiteral(v) if v.contains(['\'', '\\']) => {
                return Err(unfaithful_literal());
            }
            Token::Word(w)
                if w.quote_style
                    .is_some_and(|q| q != '[' && prints_unfaithfully(&w.value, q)) =>
            {
                return Err(unfaithful_literal());
            }
            Token::Word(w) => match w.keyword {
                Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT => {
                    if let Some(top) = levels.last_mut() {
                        top.setops += 1;
                    }
                }
                Keyword::AND
                | Keyword::OR
                | Keyword::NOT
                | Keyword::IS
                | Keyword::IN
                | Keyword::LIKE
                | Keyword::ILIKE
                | Keyword::BETWEEN
                | Keyword::COLLATE
                | Keyword::AT
                | Keyword::SIMILAR
                | Keyword::OVERLAPS
                // postfix and dialect operators, chained as any other
                | Keyword::NOTNULL
                | Keyword::GLOB
                | Keyword::REGEXP
                | Keyword::RLIKE
                | Keyword::MATCH
                | Keyword::DIV
                | Keyword::XOR
                | Keyword::ESCAPE
                // each JOIN nests the joins before it one level deeper (ON and USING do not
                // end that chain)
                | Keyword::JOIN => bump_chain(&mut levels),
                // `IS [NOT] DISTINCT FROM` is an operator, not the FROM clause.
                Keyword::FROM if after_distinct => bump_chain(&mut levels),
                // A CASE is a level of its own: the chain around it goes on after END.
                Keyword::CASE => levels.push(Level::default()),
                Keyword::END => close_level(&mut levels),
                // Clause boundaries start new subtrees.
                Keyword::SELECT
                | Keyword::FROM
                | Keyword::WHERE
                | Keyword::GROUP
                | Keyword::HAVING
                | Keyword::ORDER
                | Keyword::LIMIT
                | Keyword::OFFSET
                | Keyword::WHEN
                | Keyword::THEN
                | Keyword::ELSE
                | Keyword::AS
                | Keyword::WINDOW
                | Keyword::PARTITION => new_chain(&mut levels),
                _ => {}
            },
            Token::Period
            | Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::Placeholder(_) => {}
            // Every other symbol is, or may be, an operator.
            _ => bump_chain(&mut levels),
        }
        if let Some(top) = levels.last_mut() {
            top.deepest = top.deepest.max(top.depth());
        }
        let depth: usize = levels.iter().map(Level::depth).sum();
        if depth > MAX_CHAIN_DEPTH {
            return Err(Denial::new(
                Rule::SqlTooLong,
                format!(
                    "the statement chains more than {MAX_CHAIN_DEPTH} operators; use IN (...) lists, a VALUES list or a CTE instead of long operator chains"
                ),
            ));
        }
    }
    Ok(())
}

/// One open parenthesis (or CASE) of [`scan_tokens`].
#[derive(Default)]
struct Level {
    chain: usize,
    setops: usize,
    closed: usize,
    /// The deepest this level has been, over all its chains: a group is as deep as its
    /// deepest part, not as the chain it ends with (`coalesce(<deep>, 0)` ends with a chain of
    /// one after the comma; counting that let 20 nested groups of 280 operators through, a
    /// red-team finding).
    deepest: usize,
}

impl Level {
    /// An upper bound of the tree depth this level adds (closed groups counted below the
    /// chain: an overcount when a group comes last, never an undercount).
    fn depth(&self) -> usize {
        self.chain + self.setops + self.closed
    }
}

/// A `)` or END: the group's depth goes on in the chain around it.
fn close_level(levels: &mut Vec<Level>) {
    if levels.len() > 1
        && let Some(inner) = levels.pop()
        && let Some(top) = levels.last_mut()
    {
        top.closed = top.closed.max(inner.deepest.max(inner.depth()) + 1);
    }
}

/// A comma or clause boundary: a new subtree starts.
fn new_chain(levels: &mut [Level]) {
    if let Some(top) = levels.last_mut() {
        top.chain = 0;
        top.closed = 0;
    }
}

fn bump_chain(levels: &mut [Level]) {
    if let Some(top) = levels.last_mut() {
        top.chain += 1;
    }
}

fn parse_error(e: ParserError, sql: &str) -> GovernError {
    match e {
        ParserError::RecursionLimitExceeded => GovernError::Parse(
            "the statement is nested too deeply; flatten subqueries or use a CTE".into(),
        ),
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => {
            let hint = rewrite_hint(&m, sql)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            GovernError::Parse(format!("could not parse SQL: {m}{hint}"))
        }
    }
}

/// A way around syntax the parser does not read, for the model to retry with.
fn rewrite_hint(message: &str, sql: &str) -> Option<&'static str> {
    let upper = sql.to_ascii_uppercase();
    if message.contains("after IS, found") {
        Some("to compare with a value write = or <>, or the NULL-safe IS [NOT] DISTINCT FROM value")
    } else if upper.contains("BETWEEN SYMMETRIC") {
        Some("BETWEEN SYMMETRIC is not supported: write x BETWEEN least(a, b) AND greatest(a, b)")
    } else if message.contains("found: EXCLUDE") {
        Some(
            "a window frame's EXCLUDE clause is not supported: compute the window without it and subtract the current row's value",
        )
    } else if message.contains("after NOT, found: GLOB")
        || message.contains("after NOT, found: MATCH")
    {
        Some("write NOT (x GLOB pattern) instead of x NOT GLOB pattern")
    } else if message.contains("infix parser for token ShiftLeft")
        || message.contains("infix parser for token ShiftRight")
    {
        Some(
            "bit shifts are not supported here: multiply or divide by a power of two (x * 4 for x << 2)",
        )
    } else if message.contains("found: TABLE at Line: 1, Column: 1") {
        Some("write SELECT * FROM t instead of TABLE t")
    } else if upper.contains("INDEXED BY") || upper.contains("NOT INDEXED") {
        Some("index hints (INDEXED BY, NOT INDEXED) are not supported: leave them out")
    } else if upper.contains("GROUP BY DISTINCT") {
        Some(
            "GROUP BY DISTINCT is not supported: list each grouping set once in GROUPING SETS (...) instead (without DISTINCT, repeated sets give repeated rows)",
        )
    } else if upper.contains("ROWS FROM") {
        Some(
            "ROWS FROM (...) is not supported: call each function in FROM WITH ORDINALITY and join them on the ordinality",
        )
    } else if upper.contains("RECURSIVE")
        && (message.contains("found: SEARCH") || message.contains("found: CYCLE"))
    {
        Some(
            "SEARCH and CYCLE clauses are not supported: carry a depth or path column in the recursive CTE (depth + 1, path || id) and order or stop by it",
        )
    } else if message.contains("Expected: (, found:") && upper.contains(" IN ") {
        Some("IN takes a list or a subquery: write x IN (SELECT col FROM t)")
    } else {
        None
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
                // (PostgreSQL takes the British spelling too)
                (o.name.value.eq_ignore_ascii_case("analyze")
                    || o.name.value.eq_ignore_ascii_case("analyse"))
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
/// The first invisible character of `sql` that is not part of an emoji: an emoji's one
/// presentation selector (U+FE0F, U+FE0E) right after it, and a zero-width joiner between two
/// emoji (`👩‍💻`), are how emoji are written, and models put them in labels. A run of selectors
/// (which can smuggle hidden text) is still refused.
fn first_invisible(sql: &str) -> Option<(usize, char)> {
    // Printable ASCII, tabs and line breaks (most statements): nothing to look for.
    if sql
        .bytes()
        .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r'))
    {
        return None;
    }
    let mut previous: Option<char> = None;
    let mut chars = sql.char_indices().peekable();
    while let Some((pos, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let part_of_emoji = match c {
            '\u{FE0E}' | '\u{FE0F}' => previous.is_some_and(is_emoji),
            '\u{200D}' => {
                previous.is_some_and(|p| is_emoji(p) || matches!(p, '\u{FE0F}'))
                    && next.is_some_and(is_emoji)
            }
            _ => false,
        };
        if is_invisible(c) && !part_of_emoji {
            return Some((pos, c));
        }
        previous = Some(c);
    }
    None
}

/// Pictographic characters that take a presentation selector or join into a sequence.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2190}'..='\u{21FF}' | '\u{2300}'..='\u{23FF}' | '\u{24C2}'
        | '\u{25A0}'..='\u{27BF}' | '\u{2900}'..='\u{297F}' | '\u{2B00}'..='\u{2BFF}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{1F000}'..='\u{1FAFF}')
}

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
