//! PostgreSQL values whose binary form the driver does not decode, printed as psql prints
//! them: records and composites (`ROW(...)`, a whole-row reference) and their arrays, type
//! names (`pg_typeof`), MAC addresses.

/// An array of records: each as [`record`] prints it.
pub(super) fn records(bytes: &[u8]) -> Option<serde_json::Value> {
    super::binary::array(bytes, |e| record(e).map(serde_json::Value::String))
}

/// A record's binary form (field count, then each field's type, length and value) as
/// `record_out` prints it: `(1,north,"two words",)`. `None` when a field's type is not one
/// read here (the caller shows a placeholder) or the value is malformed.
pub(super) fn record(bytes: &[u8]) -> Option<String> {
    record_at(bytes, 0)
}

/// The deepest record nesting printed: a record nested 5,000 deep (built by a recursive CTE in
/// 225 bytes) recursed once per level here and overflowed a worker's stack (a red-team
/// finding). Deeper ones are not printed (the caller shows a placeholder), as records that
/// print far longer than they are.
const MAX_RECORD_DEPTH: usize = 64;

fn record_at(bytes: &[u8], depth: usize) -> Option<String> {
    if depth > MAX_RECORD_DEPTH {
        return None;
    }
    // Each level of nesting quotes the level inside it again, doubling its quotes and
    // backslashes: `ROW(ROW(...ROW(1)...))` 31 deep printed 2 GB from 400 bytes. Text this
    // much longer than the value is not printed (the caller shows a placeholder).
    let most = bytes.len().saturating_mul(8).saturating_add(64);
    let (count, mut rest) = bytes.split_first_chunk::<4>()?;
    let count = usize::try_from(i32::from_be_bytes(*count)).ok()?;
    // Every field takes at least its 8-byte header.
    if count > rest.len() / 8 {
        return None;
    }
    let mut out = String::from("(");
    for i in 0..count {
        let (oid, r) = rest.split_first_chunk::<4>()?;
        let (len, r) = r.split_first_chunk::<4>()?;
        rest = r;
        if i > 0 {
            out.push(',');
        }
        // -1: NULL, printed as nothing
        let Ok(len) = usize::try_from(i32::from_be_bytes(*len)) else {
            continue;
        };
        let (value, r) = rest.split_at_checked(len)?;
        rest = r;
        let text = field(u32::from_be_bytes(*oid), value, depth)?;
        push_quoted(&mut out, &text);
        if out.len() > most {
            return None;
        }
    }
    out.push(')');
    rest.is_empty().then_some(out)
}

/// A field as `record_out` writes it: quoted when empty or holding a quote, backslash,
/// parenthesis, comma or space, with quotes and backslashes doubled.
fn push_quoted(out: &mut String, text: &str) {
    let quote = text.is_empty()
        || text.chars().any(|c| {
            matches!(c, '"' | '\\' | '(' | ')' | ',' | '\u{b}') || c.is_ascii_whitespace()
        });
    if !quote {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('"');
}

/// A field's value as text, by its type's OID (the common built-in types).
fn field(oid: u32, b: &[u8], depth: usize) -> Option<String> {
    let int = super::binary::int;
    Some(match oid {
        16 => if *b.first()? != 0 { "t" } else { "f" }.to_string(),
        20 | 21 | 23 => int(b)?.to_string(),
        26 => u32::from_be_bytes(b.try_into().ok()?).to_string(),
        // text, varchar, bpchar, name, "char", json, unknown
        25 | 1043 | 1042 | 19 | 18 | 114 | 705 => std::str::from_utf8(b).ok()?.to_string(),
        // jsonb: a version byte, then the text
        3802 => match b.split_first()? {
            (1, text) => std::str::from_utf8(text).ok()?.to_string(),
            _ => return None,
        },
        1700 => super::value::numeric_text(b)?,
        1082 => super::binary::date(b)?,
        1114 => super::binary::timestamp(b, false)?,
        1184 => super::binary::timestamp(b, true)?,
        2950 => uuid::Uuid::from_slice(b).ok()?.to_string(),
        1560 | 1562 => super::binary::bits(b)?,
        // a nested record
        2249 => record_at(b, depth + 1)?,
        2206 => regtype(b)?,
        _ => return None,
    })
}

/// `regtype`: a type's OID by its name as `format_type` prints it, for the built-in types
/// (`pg_typeof(x)`); `None` for others.
pub(super) fn regtype(bytes: &[u8]) -> Option<String> {
    type_name(u32::from_be_bytes(bytes.try_into().ok()?)).map(str::to_string)
}

fn type_name(oid: u32) -> Option<&'static str> {
    Some(match oid {
        16 => "boolean",
        17 => "bytea",
        18 => "\"char\"",
        19 => "name",
        20 => "bigint",
        21 => "smallint",
        23 => "integer",
        24 => "regproc",
        25 => "text",
        26 => "oid",
        114 => "json",
        142 => "xml",
        650 => "cidr",
        700 => "real",
        701 => "double precision",
        705 => "unknown",
        774 => "macaddr8",
        790 => "money",
        829 => "macaddr",
        869 => "inet",
        1000 => "boolean[]",
        1001 => "bytea[]",
        1005 => "smallint[]",
        1007 => "integer[]",
        1009 => "text[]",
        1015 => "character varying[]",
        1016 => "bigint[]",
        1021 => "real[]",
        1022 => "double precision[]",
        1042 => "character",
        1043 => "character varying",
        1082 => "date",
        1083 => "time without time zone",
        1114 => "timestamp without time zone",
        1115 => "timestamp without time zone[]",
        1182 => "date[]",
        1184 => "timestamp with time zone",
        1185 => "timestamp with time zone[]",
        1186 => "interval",
        1231 => "numeric[]",
        1266 => "time with time zone",
        1560 => "bit",
        1562 => "bit varying",
        1700 => "numeric",
        2205 => "regclass",
        2206 => "regtype",
        2249 => "record",
        2278 => "void",
        2287 => "record[]",
        2950 => "uuid",
        2951 => "uuid[]",
        3614 => "tsvector",
        3615 => "tsquery",
        3802 => "jsonb",
        3807 => "jsonb[]",
        3904 => "int4range",
        3906 => "numrange",
        3908 => "tsrange",
        3910 => "tstzrange",
        3912 => "daterange",
        3926 => "int8range",
        _ => return None,
    })
}

/// `macaddr` (6 bytes) and `macaddr8` (8): `08:00:2b:01:02:03`.
pub(super) fn macaddr(bytes: &[u8]) -> Option<String> {
    if bytes.len() != 6 && bytes.len() != 8 {
        return None;
    }
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(parts.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_bytes(out: &mut Vec<u8>, oid: u32, value: Option<&[u8]>) {
        out.extend_from_slice(&oid.to_be_bytes());
        match value {
            Some(v) => {
                out.extend_from_slice(&i32::try_from(v.len()).unwrap_or(0).to_be_bytes());
                out.extend_from_slice(v);
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    #[test]
    fn records_print_as_record_out_prints_them() {
        let mut r = 5i32.to_be_bytes().to_vec();
        field_bytes(&mut r, 23, Some(&7i32.to_be_bytes()));
        field_bytes(&mut r, 25, Some(b"two words"));
        field_bytes(&mut r, 25, Some(b""));
        field_bytes(&mut r, 16, None);
        field_bytes(&mut r, 1043, Some(b"a\"b\\c"));
        assert_eq!(
            record(&r).as_deref(),
            Some(r#"(7,"two words","",,"a""b\\c")"#)
        );
        // Cut short, a trailing byte, an unknown field type, an absurd count: no value.
        assert_eq!(record(&r[..r.len() - 1]), None);
        let mut longer = r.clone();
        longer.push(0);
        assert_eq!(record(&longer), None);
        let mut unknown = 1i32.to_be_bytes().to_vec();
        field_bytes(&mut unknown, 600, Some(&[0; 16]));
        assert_eq!(record(&unknown), None);
        assert_eq!(record(&i32::MAX.to_be_bytes()), None);
    }

    /// Records nested deeper than 64 levels are not printed: 5,000 levels (a recursive CTE
    /// of 225 bytes) recursed once per level and overflowed a worker's stack. Run on a
    /// 256 KiB thread, far smaller than a worker's.
    #[test]
    fn deeply_nested_records_are_not_printed() {
        fn nested(levels: usize) -> Vec<u8> {
            let mut r = 1i32.to_be_bytes().to_vec();
            field_bytes(&mut r, 23, Some(&1i32.to_be_bytes()));
            for _ in 0..levels {
                let mut outer = 1i32.to_be_bytes().to_vec();
                field_bytes(&mut outer, 2249, Some(&r));
                r = outer;
            }
            r
        }
        let printed = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| (record(&nested(3)), record(&nested(5000))))
            .expect("spawn")
            .join()
            .expect("no stack overflow");
        assert_eq!(printed.0.as_deref(), Some(r#"("(""(""""(1)"""")"")")"#));
        assert_eq!(printed.1, None);
    }

    #[test]
    fn type_names_and_mac_addresses() {
        assert_eq!(regtype(&1700u32.to_be_bytes()).as_deref(), Some("numeric"));
        assert_eq!(regtype(&23u32.to_be_bytes()).as_deref(), Some("integer"));
        assert_eq!(regtype(&99_999u32.to_be_bytes()), None);
        assert_eq!(
            macaddr(&[0x08, 0, 0x2b, 1, 2, 3]).as_deref(),
            Some("08:00:2b:01:02:03")
        );
        assert_eq!(macaddr(&[1, 2]), None);
    }
}
