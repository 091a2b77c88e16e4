//! `sqlwarden audit tail|export|verify|prune`: read and check the audit trail in the governance
//! store. Reads only; `prune` deletes a prefix of the chain after verifying it.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use sqlwarden::audit::{AuditRecord, Chain, ChainError, Decision, verify};
use sqlwarden::config::Config;
use sqlwarden::store::{AuditFilter, Store};

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Show the latest records; -f keeps printing new ones.
    Tail(TailArgs),
    /// Write records as JSON lines or CSV (to stdout).
    Export(ExportArgs),
    /// Check the hash chain; exit 1 at the first record edited, deleted, inserted or reordered.
    Verify,
    /// Delete records older than a date; the remaining chain stays verifiable.
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub(crate) struct Filters {
    /// Only this principal's records.
    #[arg(long)]
    principal: Option<String>,
    /// Only allowed, denied or failed requests (allow|deny|error).
    #[arg(long, value_parser = parse_decision)]
    decision: Option<Decision>,
    /// From this time: 2026-11-29, 2026-11-29T10:00:00Z, or an age such as 1h, 7d.
    #[arg(long, value_parser = parse_time)]
    since: Option<i64>,
}

#[derive(Debug, Args)]
pub(crate) struct TailArgs {
    #[command(flatten)]
    filters: Filters,
    /// How many records to show.
    #[arg(short = 'n', long, default_value_t = 20)]
    lines: i64,
    /// Keep printing new records as they arrive.
    #[arg(short = 'f', long)]
    follow: bool,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    filters: Filters,
    /// Up to (not including) this time; same forms as --since.
    #[arg(long, value_parser = parse_time)]
    until: Option<i64>,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct PruneArgs {
    /// Delete records older than this (same forms as --since: a date, a time, or an age).
    #[arg(long, value_parser = parse_time)]
    before: i64,
}

pub(crate) async fn run(config_path: Option<&Path>, cmd: AuditCommand) -> anyhow::Result<()> {
    let store = open_audit_store(config_path).await?;
    match cmd {
        AuditCommand::Tail(a) => tail(&store, a).await,
        AuditCommand::Export(a) => export(&store, a).await,
        AuditCommand::Verify => verify_cmd(&store).await,
        AuditCommand::Prune(a) => prune(&store, a).await,
    }
}

/// The configured store; with none configured, the default one, or (when that does not exist
/// but the demo's does) the demo's, so `sqlwarden demo` then `sqlwarden audit tail` just works.
async fn open_audit_store(config_path: Option<&Path>) -> anyhow::Result<Store> {
    if Config::load_store_url(config_path)?.is_none()
        && let Some(default) = sqlwarden::store::default_url(&|k| std::env::var(k).ok())
        && let Some(path) = default.strip_prefix("sqlite://")
        && !Path::new(path).exists()
    {
        let demo = super::demo::demo_store_path(&super::demo::default_db_path());
        if demo.exists() {
            eprintln!(
                "(no governance store configured: reading the demo's, {})",
                demo.display()
            );
            return Ok(Store::open(&format!("sqlite://{}", demo.display())).await?);
        }
    }
    super::token::open_store(config_path).await
}

fn filter(f: &Filters) -> AuditFilter {
    AuditFilter {
        since_ms: f.since,
        until_ms: None,
        principal: f.principal.clone(),
        decision: f.decision.map(|d| d.as_str().to_string()),
        after_seq: None,
    }
}

async fn tail(store: &Store, a: TailArgs) -> anyhow::Result<()> {
    let mut f = filter(&a.filters);
    let mut out = std::io::stdout().lock();
    let mut last = None;
    for r in store.audit_select(&f, a.lines.max(0), true).await? {
        print_record(&mut out, &r, a.json)?;
        last = Some(r.seq);
    }
    out.flush()?;
    drop(out);
    if !a.follow {
        return Ok(());
    }
    if last.is_none() {
        last = Some(store.audit_head().await?.seq);
    }
    loop {
        f.after_seq = last;
        let rows = store.audit_select(&f, 1_000, false).await?;
        let mut out = std::io::stdout().lock();
        for r in &rows {
            print_record(&mut out, r, a.json)?;
            last = Some(r.seq);
        }
        out.flush()?;
        drop(out);
        if rows.is_empty() {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = tokio::signal::ctrl_c() => return Ok(()),
            }
        }
    }
}

async fn export(store: &Store, a: ExportArgs) -> anyhow::Result<()> {
    const PAGE: i64 = 5_000;
    let mut f = filter(&a.filters);
    f.until_ms = a.until;
    let stdout = std::io::stdout().lock();
    let mut csv = matches!(a.format, Format::Csv).then(|| csv::Writer::from_writer(stdout));
    let mut jsonl = std::io::stdout().lock();
    let mut header = true;
    loop {
        let rows = store.audit_select(&f, PAGE, false).await?;
        for r in &rows {
            let object = r.to_json();
            match &mut csv {
                Some(w) => {
                    let fields = object.as_object().context("record")?;
                    if header {
                        w.write_record(fields.keys())?;
                        header = false;
                    }
                    w.write_record(fields.values().map(csv_cell))?;
                }
                None => writeln!(jsonl, "{object}")?,
            }
        }
        match rows.last() {
            Some(r) if rows.len() as i64 == PAGE => f.after_seq = Some(r.seq),
            _ => break,
        }
    }
    if let Some(w) = &mut csv {
        w.flush()?;
    }
    jsonl.flush()?;
    Ok(())
}

/// One CSV cell. Text a caller chose (SQL, a tool name, a principal) that a spreadsheet would
/// run as a formula (`=HYPERLINK(...)`, `@SUM(...)`, `+`, `-`, a leading tab or carriage
/// return) gets a leading apostrophe, which spreadsheets read as "this is text" and hide; the
/// JSONL export keeps every value exactly as recorded.
fn csv_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{s}")
        }
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn verify_cmd(store: &Store) -> anyhow::Result<()> {
    let chain = Chain::from_env();
    match verify(store, &chain).await {
        Ok(v) => {
            println_out(&format!(
                "audit trail verified: {} records ({}), {}",
                v.records,
                if v.records == 0 {
                    "none yet".to_string()
                } else {
                    format!("#{} to #{}", v.first_seq, v.last_seq)
                },
                if v.keyed {
                    "keyed with SQLWARDEN_AUDIT_KEY"
                } else {
                    "plain hashes (set SQLWARDEN_AUDIT_KEY for a keyed chain)"
                }
            ))?;
            Ok(())
        }
        Err(ChainError::Broken { seq, problem }) => {
            let record = store
                .audit_page(seq - 1, 1)
                .await
                .ok()
                .and_then(|mut p| p.pop().filter(|r| r.seq == seq));
            if let Some(r) = record {
                eprintln!("first bad record: {}", r.to_json());
            }
            bail!("audit trail verification FAILED at record {seq}: {problem}")
        }
        Err(ChainError::Store(e)) => Err(e.into()),
    }
}

async fn prune(store: &Store, a: PruneArgs) -> anyhow::Result<()> {
    let chain = Chain::from_env();
    // Only a sound chain is cut: pruning must not hide tampering in what it deletes.
    verify(store, &chain)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the audit trail does not verify; nothing was pruned")?;
    let n = store.audit_prune(a.before, &chain).await?;
    eprintln!("pruned {n} audit records");
    Ok(())
}

#[allow(clippy::print_stdout)]
fn println_out(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
}

/// One line per record: time, decision, who, what, outcome, SQL.
fn print_record(out: &mut impl Write, r: &AuditRecord, json: bool) -> std::io::Result<()> {
    if json {
        return writeln!(out, "{}", r.to_json());
    }
    // Every field a caller could choose is printed with its control characters escaped.
    use sqlwarden::audit::printable;
    let who = match (&r.principal, &r.role) {
        (Some(p), Some(role)) => format!("{}/{}", printable(p, false), printable(role, false)),
        (Some(p), None) => printable(p, false).into_owned(),
        _ => "-".into(),
    };
    let what = match (&r.tool, r.http_status) {
        (_, Some(status)) => format!("http {status}"),
        (Some(t), None) => printable(t, false).into_owned(),
        (None, None) => printable(&r.method, false).into_owned(),
    };
    let outcome = match r.decision.as_str() {
        "allow" => match r.rows {
            Some(n) => format!("{n} rows{}", if r.truncated { " (truncated)" } else { "" }),
            None => "ok".into(),
        },
        _ => match (&r.code, &r.rule) {
            (Some(c), Some(rule)) => format!("{c} ({rule})"),
            (Some(c), None) => c.clone(),
            _ => "-".into(),
        },
    };
    let sql = r
        .sql
        .as_deref()
        .map(|s| {
            let flat =
                printable(&s.split_whitespace().collect::<Vec<_>>().join(" "), false).into_owned();
            match flat.char_indices().nth(100) {
                Some((i, _)) => format!("{}…", &flat[..i]),
                None => flat,
            }
        })
        .unwrap_or_default();
    writeln!(
        out,
        "{}  {:<5}  {:<24}  {:<14}  {:<32}  {:>8.1} ms  {}",
        r.time(),
        r.decision,
        who,
        what,
        outcome,
        r.duration_us as f64 / 1000.0,
        sql
    )
}

fn parse_decision(s: &str) -> Result<Decision, String> {
    Decision::parse(s).ok_or_else(|| format!("`{s}` is not allow, deny or error"))
}

/// A point in time as unix milliseconds: RFC 3339, a date (UTC midnight), `YYYY-MM-DD HH:MM[:SS]`
/// (UTC), or an age (`90m`, `1h`, `7d`) before now.
fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc().timestamp_millis());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis())
            .ok_or_else(|| format!("`{s}` is not a valid date"));
    }
    if let Ok(age) = humantime::parse_duration(s) {
        let now = chrono::Utc::now().timestamp_millis();
        return Ok(now - i64::try_from(age.as_millis()).unwrap_or(i64::MAX));
    }
    Err(format!(
        "`{s}` is not a time: use 2026-11-29, 2026-11-29T10:00:00Z, or an age such as 1h or 7d"
    ))
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-02").unwrap(), 86_400_000);
        assert_eq!(parse_time("1970-01-01T00:00:01Z").unwrap(), 1_000);
        assert_eq!(parse_time("1970-01-01 00:01").unwrap(), 60_000);
        let hour_ago = parse_time("1h").unwrap();
        let now = chrono::Utc::now().timestamp_millis();
        assert!((now - hour_ago - 3_600_000).abs() < 60_000);
        assert!(parse_time("yesterday-ish").is_err());
    }
}
