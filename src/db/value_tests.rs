use super::*;

fn numeric(ndigits: i16, weight: i16, sign: u16, dscale: u16, digits: &[i16]) -> Vec<u8> {
    let mut b = Vec::new();
    for w in [ndigits, weight] {
        b.extend_from_slice(&w.to_be_bytes());
    }
    b.extend_from_slice(&sign.to_be_bytes());
    b.extend_from_slice(&dscale.to_be_bytes());
    for d in digits {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b
}

/// The patternless timestamp writer prints what the strftime pattern it replaced printed
/// for years 1-9999, fractions and a leap second; five-digit years in full, and years
/// before 1 as PostgreSQL does (year 0 is 1 BC).
#[test]
fn timestamps_print_as_the_strftime_pattern_did() {
    use chrono::{Datelike, Timelike};
    let timestamp = |d: chrono::NaiveDateTime| {
        let mut out = String::new();
        let bc = push_date(&mut out, d.date());
        out.push(' ');
        push_time(&mut out, d.time());
        (out, bc)
    };
    let days = (-95_000_000..95_000_000)
        .step_by(999_983)
        .chain([-1, 0, 1, 365, 730_119, 3_652_059, 3_652_060]);
    let times = [
        (0, 0),
        (59, 0),
        (3_661, 500_000_000),
        (45_296, 123_456_000),
        (86_399, 999_999_000),
        (86_399, 1_250_000_000),
        (43_259, 1_000_000_000),
        (7, 10_000),
        (7, 1_000),
        (7, 999),
        (7, 100_000_001),
    ];
    let mut checked = 0;
    for day in days {
        let Some(date) = chrono::NaiveDate::from_num_days_from_ce_opt(day) else {
            continue;
        };
        for (secs, nanos) in times {
            let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
                .expect("valid time");
            let d = chrono::NaiveDateTime::new(date, time);
            let us = (d.nanosecond() % 1_000_000_000) / 1000;
            let micros = if us == 0 {
                String::new()
            } else {
                format!(".{}", format!("{us:06}").trim_end_matches('0'))
            };
            let (printed, bc) = timestamp(d);
            let mut day = String::new();
            push_date(&mut day, date);
            assert_eq!(bc, date.year() < 1);
            if (1..=9999).contains(&date.year()) {
                let expected = format!("{}{micros}", d.format("%Y-%m-%d %H:%M:%S"));
                assert_eq!(printed, expected);
                assert_eq!(day, date.format("%Y-%m-%d").to_string());
            } else {
                let year = if bc { 1 - date.year() } else { date.year() };
                let expected = format!("{year:04}-{:02}-{:02}", date.month(), date.day());
                assert_eq!(day, expected);
            }
            let mut t = String::new();
            push_time(&mut t, time);
            assert_eq!(t, format!("{}{micros}", time.format("%H:%M:%S")));
            checked += 1;
        }
    }
    assert!(checked > 2_000, "{checked}");
}

#[test]
fn numerics_print_as_postgresql_prints_them() {
    // 56813675.90: groups 5681 3675 . 9000, weight 1, scale 2
    let b = numeric(3, 1, 0, 2, &[5681, 3675, 9000]);
    assert_eq!(numeric_text(&b).as_deref(), Some("56813675.90"));
    assert_eq!(
        numeric_text(&numeric(0, 0, 0, 3, &[])).as_deref(),
        Some("0.000")
    );
    assert_eq!(
        numeric_text(&numeric(1, -1, 0x4000, 4, &[5])).as_deref(),
        Some("-0.0005")
    );
    // Inner groups keep their leading zeros: 1 0042 . 0007
    assert_eq!(
        numeric_text(&numeric(3, 1, 0, 4, &[1, 42, 7])).as_deref(),
        Some("10042.0007")
    );
    let big = format!("1{}", "0".repeat(32));
    assert_eq!(numeric_text(&numeric(1, 8, 0, 0, &[1])), Some(big));
    assert_eq!(
        numeric_text(&numeric(0, 0, 0xC000, 0, &[])).as_deref(),
        Some("NaN")
    );
    assert_eq!(
        numeric_text(&numeric(0, 0, 0xF000, 0, &[])).as_deref(),
        Some("-Infinity")
    );
    // Values that print far longer than they are come in scientific notation, every
    // significant digit kept: 9e131071 is 10 bytes and 131,072 digits.
    assert_eq!(
        numeric_text(&numeric(1, 32767, 0, 0, &[9000])).as_deref(),
        Some("9e+131071")
    );
    assert_eq!(
        numeric_text(&numeric(2, 100, 0x4000, 0, &[12, 3400])).as_deref(),
        Some("-1.234e+401")
    );
    assert_eq!(
        numeric_text(&numeric(1, -4000, 0, 16000, &[5])).as_deref(),
        Some("5e-16000")
    );
    assert_eq!(
        numeric_text(&numeric(0, 0, 0, 16000, &[])).as_deref(),
        Some("0")
    );
    // 1e100 (101 digits from 10 bytes) still prints whole.
    assert_eq!(
        numeric_text(&numeric(1, 25, 0, 0, &[1])),
        Some(format!("1{}", "0".repeat(100)))
    );
}

#[test]
fn values_are_measured_without_being_printed() {
    let v = serde_json::json!([["ab", null], {"k": 1}, true]);
    assert_eq!(approx_size(&v), 2 + 3 + (2 + 2 + 5 + 4) + (2 + 5 + 12) + 5);
}

#[test]
fn intervals_print_as_postgresql_prints_them() {
    let iv = |months, days, microseconds| {
        interval(sqlx::postgres::types::PgInterval {
            months,
            days,
            microseconds,
        })
    };
    assert_eq!(
        iv(25, 1, 45_000_000_000),
        json_str("2 years 1 mon 1 day 12:30:00")
    );
    assert_eq!(iv(0, 0, 0), json_str("00:00:00"));
    assert_eq!(iv(-12, 2, 0), json_str("-1 years +2 days"));
    assert_eq!(iv(0, 3, -1_500_000), json_str("3 days -00:00:01.5"));
    assert_eq!(iv(1, 0, 129_600_000_000), json_str("1 mon 36:00:00"));
}

fn json_str(s: &str) -> Json {
    Json::String(s.into())
}
