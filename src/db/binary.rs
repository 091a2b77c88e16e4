//! PostgreSQL's binary forms of dates, timestamps and one-dimensional arrays, read here
//! rather than through the driver's decoders: those panic on `infinity` (a date of
//! `i32::MAX` days overflows chrono's range) and cannot print the values PostgreSQL can
//! hold beyond chrono's years or before year 1 (`0044-03-15 BC`).

use serde_json::Value as Json;

/// Days since 2000-01-01, PostgreSQL's date epoch, and microseconds since its midnight.
fn epoch() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// A `date` as PostgreSQL prints it (ISO, `infinity`, `... BC`).
pub(super) fn date(bytes: &[u8]) -> Option<String> {
    let days = i32::from_be_bytes(bytes.try_into().ok()?);
    match days {
        i32::MAX => return Some("infinity".into()),
        i32::MIN => return Some("-infinity".into()),
        _ => {}
    }
    let d = epoch()
        .date()
        .checked_add_signed(chrono::TimeDelta::try_days(days.into())?)?;
    let mut out = String::with_capacity(13);
    let bc = super::value::push_date(&mut out, d);
    if bc {
        out.push_str(" BC");
    }
    Some(out)
}

/// A `timestamp` (`utc` false) or `timestamptz` read in UTC (`+00`), as PostgreSQL prints it.
pub(super) fn timestamp(bytes: &[u8], utc: bool) -> Option<String> {
    let micros = i64::from_be_bytes(bytes.try_into().ok()?);
    match micros {
        i64::MAX => return Some("infinity".into()),
        i64::MIN => return Some("-infinity".into()),
        _ => {}
    }
    let t = epoch().checked_add_signed(chrono::TimeDelta::microseconds(micros))?;
    let mut out = String::with_capacity(36);
    let bc = super::value::push_date(&mut out, t.date());
    out.push(' ');
    super::value::push_time(&mut out, t.time());
    if utc {
        out.push_str("+00");
    }
    if bc {
        out.push_str(" BC");
    }
    Some(out)
}

/// A binary `int2`, `int4` or `int8` (by its length).
pub(super) fn int(b: &[u8]) -> Option<i64> {
    Some(match b.len() {
        2 => i16::from_be_bytes(b.try_into().ok()?).into(),
        4 => i32::from_be_bytes(b.try_into().ok()?).into(),
        8 => i64::from_be_bytes(b.try_into().ok()?),
        _ => return None,
    })
}

/// An array (any lower bounds) with each element read by `element`: nested JSON arrays, one
/// level per dimension; `None` for a malformed value (the caller shows a placeholder).
/// The most elements an array is decoded with (see [`array`]).
pub(super) const MAX_ELEMENTS: usize = 100_000;

pub(super) fn array(bytes: &[u8], element: impl Fn(&[u8]) -> Option<Json>) -> Option<Json> {
    let mut rest = bytes;
    let mut word = || -> Option<i32> {
        let (w, r) = rest.split_first_chunk::<4>()?;
        rest = r;
        Some(i32::from_be_bytes(*w))
    };
    let dimensions = usize::try_from(word()?).ok()?;
    let _has_nulls = word()?;
    let _element_type = word()?;
    if dimensions == 0 {
        return Some(Json::Array(Vec::new()));
    }
    // PostgreSQL's MAXDIM
    if dimensions > 6 {
        return None;
    }
    let mut sizes = Vec::with_capacity(dimensions);
    for _ in 0..dimensions {
        sizes.push(usize::try_from(word()?).ok()?);
        let _lower_bound = word()?;
    }
    let len = sizes.iter().try_fold(1usize, |n, &s| n.checked_mul(s))?;
    // Every element takes at least its 4-byte length. An element takes ten times that and more
    // once decoded (a NULL of a nested array, 4 bytes, was 270 bytes of values and vectors: a
    // 4 MB array of NULLs took 300 MB, a red-team finding), so arrays of more than
    // MAX_ELEMENTS are not decoded (the caller shows a placeholder); no byte budget a result
    // has would hold one anyway.
    if len > rest.len() / 4 || len > MAX_ELEMENTS {
        return None;
    }
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        let (w, r) = rest.split_first_chunk::<4>()?;
        rest = r;
        match usize::try_from(i32::from_be_bytes(*w)) {
            // -1: NULL
            Err(_) => out.push(Json::Null),
            Ok(n) => {
                let (e, r) = rest.split_at_checked(n)?;
                rest = r;
                out.push(element(e)?);
            }
        }
    }
    // Elements come in row-major order: group the innermost dimension first.
    for &size in sizes[1..].iter().rev() {
        let mut grouped = Vec::with_capacity(out.len() / size.max(1));
        let mut items = out.into_iter();
        while items.len() > 0 {
            grouped.push(Json::Array(items.by_ref().take(size).collect()));
        }
        out = grouped;
    }
    Some(Json::Array(out))
}

/// A `bit` or `bit varying` as PostgreSQL prints it: `1010` (a bit count, then the bits, most
/// significant first, padded to whole bytes).
pub(super) fn bits(bytes: &[u8]) -> Option<String> {
    let (len, data) = bytes.split_first_chunk::<4>()?;
    let len = usize::try_from(i32::from_be_bytes(*len)).ok()?;
    // (a character per bit: past a million bits the type is named instead)
    if data.len() != len.div_ceil(8) || len > 1 << 20 {
        return None;
    }
    Some(
        (0..len)
            .map(|i| {
                if data[i / 8] & (0x80 >> (i % 8)) != 0 {
                    '1'
                } else {
                    '0'
                }
            })
            .collect(),
    )
}

/// One node of a `tsquery` in its binary (prefix) order: an operator's right operand comes
/// before its left one.
enum QueryNode<'a> {
    Lexeme {
        text: &'a str,
        weight: u8,
        prefix: bool,
    },
    Not,
    Binary {
        op: u8,
        distance: i16,
    },
}

/// Nesting beyond this prints as the type's name (the printer recurses once per level).
const MAX_QUERY_DEPTH: usize = 200;

/// A `tsquery` as PostgreSQL prints it: `'fat':*A & !( 'rat' | 'cat' )`.
pub(super) fn tsquery(bytes: &[u8]) -> Option<String> {
    let (count, mut rest) = bytes.split_first_chunk::<4>()?;
    let count = u32::from_be_bytes(*count);
    let mut nodes = Vec::new();
    for _ in 0..count {
        let (&kind, r) = rest.split_first()?;
        let (&a, r) = r.split_first()?;
        rest = r;
        nodes.push(match (kind, a) {
            // an operand: weight, prefix flag, text up to its NUL
            (1, weight) => {
                let (&prefix, r) = rest.split_first()?;
                let end = r.iter().position(|&b| b == 0)?;
                let text = std::str::from_utf8(&r[..end]).ok()?;
                rest = &r[end + 1..];
                QueryNode::Lexeme {
                    text,
                    weight,
                    prefix: prefix != 0,
                }
            }
            (2, 1) => QueryNode::Not,
            (2, op @ (2 | 3)) => QueryNode::Binary { op, distance: 1 },
            (2, 4) => {
                let (d, r) = rest.split_first_chunk::<2>()?;
                rest = r;
                QueryNode::Binary {
                    op: 4,
                    distance: i16::from_be_bytes(*d),
                }
            }
            _ => return None,
        });
    }
    if !rest.is_empty() {
        return None;
    }
    if nodes.is_empty() {
        return Some(String::new());
    }
    let mut next = 0;
    let mut out = String::new();
    query_node(&nodes, &mut next, &mut out, 0, false, 0)?;
    (next == nodes.len()).then_some(out)
}

/// Print the node at `*next` (and its operands) as PostgreSQL does: operators by priority
/// (`|` 1, `&` 2, phrase 3, `!` 4), parenthesized with spaces inside when the parent binds
/// tighter, and a phrase as the right operand of a phrase always parenthesized.
fn query_node(
    nodes: &[QueryNode<'_>],
    next: &mut usize,
    out: &mut String,
    parent: u8,
    right_of_phrase: bool,
    depth: usize,
) -> Option<()> {
    if depth > MAX_QUERY_DEPTH {
        return None;
    }
    let node = nodes.get(*next)?;
    *next += 1;
    match *node {
        QueryNode::Lexeme {
            text,
            weight,
            prefix,
        } => {
            out.push('\'');
            for c in text.chars() {
                if c == '\'' || c == '\\' {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('\'');
            if weight != 0 || prefix {
                out.push(':');
                if prefix {
                    out.push('*');
                }
                for (bit, letter) in [(8, 'A'), (4, 'B'), (2, 'C'), (1, 'D')] {
                    if weight & bit != 0 {
                        out.push(letter);
                    }
                }
            }
        }
        QueryNode::Not => {
            let wrap = 4 < parent;
            if wrap {
                out.push_str("( ");
            }
            out.push('!');
            query_node(nodes, next, out, 4, false, depth + 1)?;
            if wrap {
                out.push_str(" )");
            }
        }
        QueryNode::Binary { op, distance } => {
            let priority = match op {
                2 => 2,
                3 => 1,
                _ => 3,
            };
            let wrap = priority < parent || (op == 4 && right_of_phrase);
            if wrap {
                out.push_str("( ");
            }
            let mut right = String::new();
            query_node(nodes, next, &mut right, priority, op == 4, depth + 1)?;
            query_node(nodes, next, out, priority, false, depth + 1)?;
            match (op, distance) {
                (2, _) => out.push_str(" & "),
                (3, _) => out.push_str(" | "),
                (_, 1) => out.push_str(" <-> "),
                (_, d) => out.push_str(&format!(" <{d}> ")),
            }
            out.push_str(&right);
            if wrap {
                out.push_str(" )");
            }
        }
    }
    Some(())
}

/// A `tsvector` as PostgreSQL prints it: `'fat':2A 'rat':3`.
pub(super) fn tsvector(bytes: &[u8]) -> Option<String> {
    let (count, mut rest) = bytes.split_first_chunk::<4>()?;
    let count = u32::from_be_bytes(*count);
    let mut out = String::new();
    for i in 0..count {
        let end = rest.iter().position(|&b| b == 0)?;
        let lexeme = std::str::from_utf8(&rest[..end]).ok()?;
        let (positions, r) = rest[end + 1..].split_first_chunk::<2>()?;
        rest = r;
        if i > 0 {
            out.push(' ');
        }
        out.push('\'');
        for c in lexeme.chars() {
            if c == '\'' || c == '\\' {
                out.push(c);
            }
            out.push(c);
        }
        out.push('\'');
        for j in 0..u16::from_be_bytes(*positions) {
            let (p, r) = rest.split_first_chunk::<2>()?;
            rest = r;
            let p = u16::from_be_bytes(*p);
            out.push(if j == 0 { ':' } else { ',' });
            out.push_str(&(p & 0x3fff).to_string());
            match p >> 14 {
                3 => out.push('A'),
                2 => out.push('B'),
                1 => out.push('C'),
                _ => {}
            }
        }
    }
    Some(out)
}

/// A range, as PostgreSQL prints it (`[2025-01-01,2025-02-01)`, `empty`, `(,5]`), each bound
/// read by `element`; `None` for a malformed value.
pub(super) fn range(bytes: &[u8], element: impl Fn(&[u8]) -> Option<String>) -> Option<String> {
    const EMPTY: u8 = 0x01;
    const LOWER_INCLUSIVE: u8 = 0x02;
    const UPPER_INCLUSIVE: u8 = 0x04;
    const LOWER_INFINITE: u8 = 0x08;
    const UPPER_INFINITE: u8 = 0x10;
    let (&flags, mut rest) = bytes.split_first()?;
    if flags & EMPTY != 0 {
        return Some("empty".into());
    }
    let mut bound = |infinite: bool| -> Option<String> {
        if infinite {
            return Some(String::new());
        }
        let (w, r) = rest.split_first_chunk::<4>()?;
        let (e, r) = r.split_at_checked(usize::try_from(i32::from_be_bytes(*w)).ok()?)?;
        rest = r;
        let text = element(e)?;
        // range_out quotes a bound holding a space, comma, quote, bracket or backslash
        Some(
            if text.is_empty() || text.contains([' ', ',', '"', '(', ')', '[', ']', '\\']) {
                format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                text
            },
        )
    };
    let lower = bound(flags & LOWER_INFINITE != 0)?;
    let upper = bound(flags & UPPER_INFINITE != 0)?;
    Some(format!(
        "{}{lower},{upper}{}",
        if flags & LOWER_INCLUSIVE != 0 {
            '['
        } else {
            '('
        },
        if flags & UPPER_INCLUSIVE != 0 {
            ']'
        } else {
            ')'
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_print_as_postgresql_prints_them() {
        let int4 = |b: &[u8]| Some(i32::from_be_bytes(b.try_into().ok()?).to_string());
        let mut r = vec![0x02];
        for v in [1i32, 5] {
            r.extend_from_slice(&4i32.to_be_bytes());
            r.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(range(&r, int4).as_deref(), Some("[1,5)"));
        assert_eq!(range(&[0x01], int4).as_deref(), Some("empty"));
        let mut open = vec![0x08 | 0x04];
        open.extend_from_slice(&4i32.to_be_bytes());
        open.extend_from_slice(&7i32.to_be_bytes());
        assert_eq!(range(&open, int4).as_deref(), Some("(,7]"));
        let spaced = |_: &[u8]| Some("2024-01-01 00:00:00".to_string());
        assert_eq!(
            range(&r, spaced).as_deref(),
            Some("[\"2024-01-01 00:00:00\",\"2024-01-01 00:00:00\")")
        );
        // Cut short: no value, no panic.
        assert_eq!(range(&r[..6], int4), None);
    }

    #[test]
    fn tsvectors_and_nested_arrays_print_as_postgresql_prints_them() {
        // 'it''s':1A,3 'b\\':2C 'x' (a lexeme with no positions last)
        let mut v = 3u32.to_be_bytes().to_vec();
        v.extend_from_slice(b"it's\0");
        v.extend_from_slice(&2u16.to_be_bytes());
        v.extend_from_slice(&(1u16 | 3 << 14).to_be_bytes());
        v.extend_from_slice(&3u16.to_be_bytes());
        v.extend_from_slice(b"b\\\0");
        v.extend_from_slice(&1u16.to_be_bytes());
        v.extend_from_slice(&(2u16 | 1 << 14).to_be_bytes());
        v.extend_from_slice(b"x\0");
        v.extend_from_slice(&0u16.to_be_bytes());
        assert_eq!(tsvector(&v).as_deref(), Some("'it''s':1A,3 'b\\\\':2C 'x'"));
        assert_eq!(tsvector(&v[..v.len() - 1]), None);

        // int4[2][3] = {{1,2,3},{4,NULL,6}}
        let mut a = Vec::new();
        for w in [2i32, 1, 23, 2, 1, 3, 1] {
            a.extend_from_slice(&w.to_be_bytes());
        }
        for e in [Some(1i32), Some(2), Some(3), Some(4), None, Some(6)] {
            match e {
                Some(e) => {
                    a.extend_from_slice(&4i32.to_be_bytes());
                    a.extend_from_slice(&e.to_be_bytes());
                }
                None => a.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        let int4 = |b: &[u8]| Some(Json::from(i32::from_be_bytes(b.try_into().ok()?)));
        assert_eq!(
            array(&a, int4),
            Some(serde_json::json!([[1, 2, 3], [4, null, 6]]))
        );
        // A size that the bytes cannot hold is refused before anything is allocated.
        let mut huge = a.clone();
        huge[12..16].copy_from_slice(&i32::MAX.to_be_bytes());
        assert_eq!(array(&huge, int4), None);
    }

    #[test]
    fn infinities_and_years_chrono_cannot_hold() {
        assert_eq!(date(&i32::MAX.to_be_bytes()).as_deref(), Some("infinity"));
        assert_eq!(date(&i32::MIN.to_be_bytes()).as_deref(), Some("-infinity"));
        assert_eq!(date(&0i32.to_be_bytes()).as_deref(), Some("2000-01-01"));
        // 0044-03-15 BC is astronomical year -43.
        let bc = chrono::NaiveDate::from_ymd_opt(-43, 3, 15).expect("date");
        let days = (bc - epoch().date()).num_days() as i32;
        assert_eq!(date(&days.to_be_bytes()).as_deref(), Some("0044-03-15 BC"));
        // Beyond chrono's range (PostgreSQL allows year 5874897): no panic, no value.
        assert_eq!(date(&(i32::MAX - 1).to_be_bytes()), None);
        assert_eq!(
            timestamp(&i64::MAX.to_be_bytes(), true).as_deref(),
            Some("infinity")
        );
        assert_eq!(
            timestamp(&i64::MIN.to_be_bytes(), false).as_deref(),
            Some("-infinity")
        );
        assert_eq!(
            timestamp(&1_500_000i64.to_be_bytes(), true).as_deref(),
            Some("2000-01-01 00:00:01.5+00")
        );
        assert_eq!(timestamp(&[0, 1], false), None);
    }

    #[test]
    fn arrays_are_read_defensively() {
        let mut one = Vec::new();
        for w in [1i32, 1, 1082, 3, 1] {
            one.extend_from_slice(&w.to_be_bytes());
        }
        one.extend_from_slice(&4i32.to_be_bytes());
        one.extend_from_slice(&i32::MAX.to_be_bytes());
        one.extend_from_slice(&(-1i32).to_be_bytes());
        one.extend_from_slice(&4i32.to_be_bytes());
        one.extend_from_slice(&0i32.to_be_bytes());
        let read = array(&one, |e| date(e).map(Json::String));
        assert_eq!(
            read,
            Some(serde_json::json!(["infinity", null, "2000-01-01"]))
        );
        // Cut short, or claiming more elements than there are bytes: no value, no panic.
        assert_eq!(
            array(&one[..one.len() - 1], |e| date(e).map(Json::String)),
            None
        );
        let mut lying = one.clone();
        lying[12..16].copy_from_slice(&i32::MAX.to_be_bytes());
        assert_eq!(array(&lying, |e| date(e).map(Json::String)), None);
        // More elements than MAX_ELEMENTS (NULLs here, 4 bytes each): not decoded.
        let nulls = |n: usize| {
            let mut a = Vec::new();
            for w in [2i32, 1, 23, i32::try_from(n).expect("n"), 1, 1, 1] {
                a.extend_from_slice(&w.to_be_bytes());
            }
            for _ in 0..n {
                a.extend_from_slice(&(-1i32).to_be_bytes());
            }
            a
        };
        let at_most = array(&nulls(MAX_ELEMENTS), |_| None).expect("decoded");
        assert_eq!(at_most.as_array().map(Vec::len), Some(MAX_ELEMENTS));
        assert_eq!(array(&nulls(MAX_ELEMENTS + 1), |_| None), None);
        let mut empty = Vec::new();
        for w in [0i32, 0, 1082] {
            empty.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(array(&empty, |_| None), Some(serde_json::json!([])));
    }
}
