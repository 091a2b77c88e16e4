//! PostgreSQL's binary `numeric` as text.

use super::value::push_digits;

/// PostgreSQL's binary `numeric` as its text form (`get_str_from_var`): any size, scale kept,
/// `NaN` and the infinities spelled as PostgreSQL spells them.
pub(crate) fn numeric_text(b: &[u8]) -> Option<String> {
    let word = |i: usize| -> Option<i32> {
        let hi = *b.get(i)?;
        let lo = *b.get(i + 1)?;
        Some(i32::from(i16::from_be_bytes([hi, lo])))
    };
    let ndigits = usize::try_from(word(0)?).ok()?;
    let weight = word(2)?;
    let sign = u16::from_be_bytes([*b.get(4)?, *b.get(5)?]);
    let dscale = usize::from(u16::from_be_bytes([*b.get(6)?, *b.get(7)?]));
    match sign {
        0xC000 => return Some("NaN".into()),
        0xD000 => return Some("Infinity".into()),
        0xF000 => return Some("-Infinity".into()),
        0x0000 | 0x4000 => {}
        _ => return None,
    }
    let mut digits = Vec::with_capacity(ndigits);
    for k in 0..ndigits {
        digits.push(word(8 + 2 * k)?);
    }
    // A value that prints far longer than it is (`9e131071`: 10 bytes, 131,072 digits; a
    // thousand of them in an array made gigabytes of text and aborted the server) is written
    // in scientific notation, every significant digit kept.
    let whole = usize::try_from(weight).map_or(1, |w| (w + 1) * 4);
    let printed = 1 + whole + if dscale > 0 { 1 + dscale } else { 0 };
    if printed > 8 * b.len() + 64 {
        return Some(scientific(sign == 0x4000, &digits, weight));
    }
    let group = |k: i32| -> i32 {
        usize::try_from(k)
            .ok()
            .and_then(|k| digits.get(k).copied())
            .unwrap_or(0)
    };
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        out.push_str(&group(0).to_string());
        for k in 1..=weight {
            push_group(&mut out, group(k));
        }
    }
    if dscale > 0 {
        out.push('.');
        let start = out.len();
        let mut k = weight + 1;
        while out.len() - start < dscale {
            push_group(&mut out, group(k));
            k += 1;
        }
        out.truncate(start + dscale);
    }
    Some(out)
}

/// A numeric's base-10000 groups (the first not zero, as PostgreSQL sends them) and weight as
/// `d.ddde±x`.
fn scientific(negative: bool, groups: &[i32], weight: i32) -> String {
    let Some(first) = groups.first() else {
        return "0".into();
    };
    let mut digits = first.to_string();
    let lead = digits.len() as i64;
    for g in &groups[1..] {
        push_group(&mut digits, *g);
    }
    let digits = digits.trim_end_matches('0');
    let exponent = lead - 1 + 4 * i64::from(weight);
    let mut out = String::with_capacity(digits.len() + 10);
    if negative {
        out.push('-');
    }
    let (head, tail) = digits.split_at(digits.len().min(1));
    out.push_str(if head.is_empty() { "0" } else { head });
    if !tail.is_empty() {
        out.push('.');
        out.push_str(tail);
    }
    out.push('e');
    if exponent >= 0 {
        out.push('+');
    }
    out.push_str(&exponent.to_string());
    out
}

/// One base-10000 group of a numeric as four digits (`{:04}`, without formatting machinery
/// for the groups PostgreSQL sends, 0-9999).
fn push_group(out: &mut String, group: i32) {
    match u32::try_from(group) {
        Ok(g) if g <= 9999 => push_digits(out, g, 4),
        _ => {
            use std::fmt::Write;
            let _ = write!(out, "{group:04}");
        }
    }
}
