//! Policy files -> raw serde types (spans on every name) -> validated [`RolePolicy`]s.
//!
//! Checks here need no database: syntax, unknown keys, duplicate roles, unknown parents and
//! cycles, contradictions (`columns` and `deny_columns` together), row-filter syntax. Checks
//! against the live schema (tables, columns, filter references) are `sql::compile`'s job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{
    ColumnRule, Limits, Origin, PolicyErrors, PolicySet, RolePolicy, TablePattern, TableRule,
};
use crate::diag::{Diagnostic, did_you_mean};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    role: Spanned<String>,
    #[serde(default)]
    description: String,
    inherits: Option<Spanned<String>>,
    #[serde(default)]
    functions: Vec<Spanned<String>>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    tables: BTreeMap<Spanned<String>, RawTable>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_rows: Option<u64>,
    max_result_bytes: Option<u64>,
    #[serde(default, with = "humantime_serde")]
    statement_timeout: Option<Duration>,
    rate_per_minute: Option<u32>,
    concurrency: Option<u32>,
    /// How long results are served from the cache ("0s": off).
    #[serde(default, with = "humantime_serde")]
    cache_ttl: Option<Duration>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    columns: Option<Spanned<Vec<String>>>,
    deny_columns: Option<Spanned<Vec<String>>>,
    row_filter: Option<Spanned<String>>,
    database: Option<String>,
    value_hints: Option<bool>,
    no_value_hints: Option<Spanned<Vec<String>>>,
}

struct Parsed {
    file: String,
    text: String,
    raw: RawPolicy,
}

/// Load every `*.toml` file of a directory.
pub fn load_dir(dir: &Path, defaults: Limits) -> Result<PolicySet, PolicyErrors> {
    let texts = read_toml_files(dir, false)?;
    load_texts(&texts, defaults)
}

/// The `*.toml` files of `dir` as (name, text), sorted by name; every file that cannot be read
/// is reported. A missing `dir` is nothing when `missing_ok` (templates, prompts), else an error.
pub(crate) fn read_toml_files(
    dir: &Path,
    missing_ok: bool,
) -> Result<Vec<(String, String)>, PolicyErrors> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if missing_ok && e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => {
            return Err(PolicyErrors(vec![Diagnostic {
                file: dir.display().to_string(),
                line: 0,
                col: 0,
                message: format!("cannot read directory: {e}"),
                help: None,
            }]));
        }
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match std::fs::read_to_string(&f) {
            Ok(t) => texts.push((f.display().to_string(), t)),
            Err(e) => errors.push(Diagnostic {
                file: f.display().to_string(),
                line: 0,
                col: 0,
                message: format!("cannot read: {e}"),
                help: None,
            }),
        }
    }
    if errors.is_empty() {
        Ok(texts)
    } else {
        Err(PolicyErrors(errors))
    }
}

/// Load policies from (file name, text) pairs.
pub fn load_texts(files: &[(String, String)], defaults: Limits) -> Result<PolicySet, PolicyErrors> {
    let mut errors = Vec::new();
    let mut parsed: Vec<Parsed> = Vec::new();
    for (file, text) in files {
        match toml::from_str::<RawPolicy>(text) {
            Ok(raw) => parsed.push(Parsed {
                file: file.clone(),
                text: text.clone(),
                raw,
            }),
            Err(e) => {
                let offset = e.span().map(|s| s.start).unwrap_or(0);
                errors.push(Diagnostic::at(file, text, offset, e.message().to_string()));
            }
        }
    }
    // Roles are unique.
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for (i, p) in parsed.iter().enumerate() {
        let name = p.raw.role.get_ref().clone();
        if name.trim().is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            errors.push(
                Diagnostic::at(
                    &p.file,
                    &p.text,
                    p.raw.role.span().start,
                    format!("role name `{name}` is not valid"),
                )
                .with_help("use letters, digits, `_` and `-`"),
            );
        }
        if let Some(&first) = by_name.get(&name) {
            errors.push(
                Diagnostic::at(
                    &p.file,
                    &p.text,
                    p.raw.role.span().start,
                    format!("role `{name}` is defined twice"),
                )
                .with_help(format!("the other definition is in {}", parsed[first].file)),
            );
        } else {
            by_name.insert(name, i);
        }
    }
    // Parents exist; no cycles.
    for p in &parsed {
        if let Some(parent) = &p.raw.inherits {
            if !by_name.contains_key(parent.get_ref()) {
                let mut d = Diagnostic::at(
                    &p.file,
                    &p.text,
                    parent.span().start,
                    format!("unknown parent role `{}`", parent.get_ref()),
                );
                if let Some(s) = did_you_mean(parent.get_ref(), by_name.keys().map(String::as_str))
                {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
                continue;
            }
            let mut seen = BTreeSet::new();
            let mut cur = p.raw.role.get_ref().clone();
            while let Some(next) = by_name
                .get(&cur)
                .and_then(|&i| parsed[i].raw.inherits.as_ref())
                .map(|s| s.get_ref().clone())
            {
                if !seen.insert(cur.clone()) || next == *p.raw.role.get_ref() {
                    errors.push(
                        Diagnostic::at(
                            &p.file,
                            &p.text,
                            parent.span().start,
                            format!("role `{}` inherits from itself", p.raw.role.get_ref()),
                        )
                        .with_help("remove one `inherits` link of the cycle"),
                    );
                    break;
                }
                cur = next;
            }
        }
    }
    // Each role on its own.
    let mut own: BTreeMap<String, RolePolicy> = BTreeMap::new();
    for p in &parsed {
        match role_of(p, defaults) {
            Ok(r) => {
                own.insert(r.name.clone(), r);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(PolicyErrors(errors));
    }
    // Inheritance: the parent's rules, overridden by the child's.
    let mut roles = BTreeMap::new();
    for p in &parsed {
        let name = p.raw.role.get_ref();
        let mut chain = vec![name.clone()];
        while let Some(parent) = by_name
            .get(chain.last().map(String::as_str).unwrap_or(""))
            .and_then(|&i| parsed[i].raw.inherits.as_ref())
        {
            chain.push(parent.get_ref().clone());
        }
        let mut merged: Option<RolePolicy> = None;
        for (role, raw) in chain.iter().rev().filter_map(|n| {
            own.get(n)
                .map(|r| (r, by_name.get(n).map(|&i| &parsed[i].raw)))
        }) {
            merged = Some(match merged {
                None => role.clone(),
                Some(mut base) => {
                    for rule in &role.tables {
                        base.tables
                            .retain(|r| r.key != rule.key || r.database != rule.database);
                        base.tables.push(rule.clone());
                    }
                    base.extra_functions
                        .extend(role.extra_functions.iter().cloned());
                    if let Some(raw) = raw {
                        base.limits.max_rows = raw.limits.max_rows.unwrap_or(base.limits.max_rows);
                        base.limits.max_result_bytes = raw
                            .limits
                            .max_result_bytes
                            .unwrap_or(base.limits.max_result_bytes);
                        base.limits.statement_timeout = raw
                            .limits
                            .statement_timeout
                            .unwrap_or(base.limits.statement_timeout);
                    }
                    base.name = role.name.clone();
                    base.description = role.description.clone();
                    base.origin = role.origin.clone();
                    base
                }
            });
        }
        if let Some(m) = merged {
            roles.insert(name.clone(), m);
        }
    }
    Ok(PolicySet { roles })
}

fn origin(p: &Parsed, offset: usize) -> Origin {
    let d = Diagnostic::at(&p.file, &p.text, offset, "");
    Origin {
        file: d.file,
        line: d.line,
        col: d.col,
    }
}

fn role_of(p: &Parsed, defaults: Limits) -> Result<RolePolicy, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let at = |offset: usize, msg: String| Diagnostic::at(&p.file, &p.text, offset, msg);
    let limits = Limits {
        max_rows: p.raw.limits.max_rows.unwrap_or(defaults.max_rows),
        max_result_bytes: p
            .raw
            .limits
            .max_result_bytes
            .unwrap_or(defaults.max_result_bytes),
        statement_timeout: p
            .raw
            .limits
            .statement_timeout
            .unwrap_or(defaults.statement_timeout),
        rate_per_minute: p.raw.limits.rate_per_minute.or(defaults.rate_per_minute),
        concurrency: p.raw.limits.concurrency.or(defaults.concurrency),
        cache_ttl: p.raw.limits.cache_ttl.unwrap_or(defaults.cache_ttl),
    };
    if limits.rate_per_minute == Some(0) || limits.concurrency == Some(0) {
        errors.push(at(
            0,
            "limits.rate_per_minute and limits.concurrency must be at least 1 (leave them out for no limit)".into(),
        ));
    }
    if limits.max_rows == 0 {
        errors.push(at(0, "limits.max_rows must be at least 1".into()));
    }
    if limits.statement_timeout.is_zero() {
        errors.push(at(0, "limits.statement_timeout must be more than 0".into()));
    }
    let mut tables = Vec::new();
    for (key, t) in &p.raw.tables {
        let offset = key.span().start;
        let Some(pattern) = TablePattern::parse(key.get_ref()) else {
            errors.push(
                at(offset, format!("`{}` is not a table name", key.get_ref()))
                    .with_help("write `orders`, `public.orders`, `public.*` or `*`"),
            );
            continue;
        };
        let columns = match (&t.columns, &t.deny_columns) {
            (Some(c), Some(_)) => {
                errors.push(
                    at(
                        c.span().start,
                        format!(
                            "table `{}` sets both `columns` and `deny_columns`",
                            key.get_ref()
                        ),
                    )
                    .with_help(
                        "keep one: `columns` lists what is visible, `deny_columns` what is hidden",
                    ),
                );
                continue;
            }
            (Some(c), None) => {
                if c.get_ref().is_empty() {
                    errors.push(
                        at(
                            c.span().start,
                            "`columns` is empty: the table would show nothing".into(),
                        )
                        .with_help("remove the table to deny it"),
                    );
                }
                ColumnRule::Allow(c.get_ref().clone())
            }
            (None, Some(d)) => ColumnRule::Deny(d.get_ref().clone()),
            (None, None) => ColumnRule::All,
        };
        if pattern.name.is_none() && !matches!(columns, ColumnRule::All) {
            errors.push(
                at(
                    offset,
                    format!(
                        "`{}` matches many tables; column lists need one table",
                        key.get_ref()
                    ),
                )
                .with_help("give column rules per table"),
            );
        }
        if let Some(n) = &t.no_value_hints
            && pattern.name.is_none()
        {
            errors.push(
                at(
                    n.span().start,
                    format!(
                        "`{}` matches many tables; `no_value_hints` needs one table",
                        key.get_ref()
                    ),
                )
                .with_help("list columns per table, or set `value_hints = false` here"),
            );
        }
        if let Some(f) = &t.row_filter
            && let Err(msg) = super::parse_filter(f.get_ref(), crate::dialect::Dialect::Postgres)
        {
            {
                errors.push(at(
                    f.span().start,
                    format!("row_filter of `{}` does not parse: {msg}", key.get_ref()),
                ));
            }
        }
        tables.push(TableRule {
            key: key.get_ref().clone(),
            pattern,
            columns,
            row_filter: t.row_filter.as_ref().map(|f| f.get_ref().clone()),
            database: t.database.clone(),
            value_hints: t.value_hints.unwrap_or(true),
            no_value_hints: t
                .no_value_hints
                .as_ref()
                .map(|n| n.get_ref().clone())
                .unwrap_or_default(),
            origin: origin(p, offset),
        });
    }
    let extra_functions = p
        .raw
        .functions
        .iter()
        .map(|f| f.get_ref().to_ascii_lowercase())
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RolePolicy {
        name: p.raw.role.get_ref().clone(),
        description: p.raw.description.clone(),
        tables,
        extra_functions,
        limits,
        origin: origin(p, p.raw.role.span().start),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Result<PolicySet, PolicyErrors> {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        load_texts(&files, Limits::default())
    }

    #[test]
    fn demo_policies_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let set = load_dir(&dir, Limits::default()).expect("demo policies are valid");
        assert_eq!(
            set.roles.keys().collect::<Vec<_>>(),
            ["analyst", "readonly_admin", "support"]
        );
        assert_eq!(set.roles["analyst"].limits.max_rows, 500);
    }

    #[test]
    fn every_error_is_collected_with_position_and_help() {
        let a = "role = \"a\"\ninherits = \"bse\"\n[tables.orders]\ncolumns = [\"id\"]\ndeny_columns = [\"x\"]\n";
        let b = "role = \"base\"\n[tables.customers]\nrow_filter = \"region = = 1\"\n[limits]\nmax_rowz = 3\n";
        let e = load(&[("a.toml", a), ("b.toml", b)]).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("b.toml:5:1: error: unknown field `max_rowz`"),
            "{text}"
        );
        assert!(
            text.contains("a.toml:2:12: error: unknown parent role `bse`"),
            "{text}"
        );
        let e = load(&[
            ("a.toml", a),
            (
                "b.toml",
                "role = \"base\"\n[tables.customers]\nrow_filter = \"region = = 1\"\n",
            ),
        ])
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("did you mean `base`?"), "{text}");
        assert!(
            text.contains("sets both `columns` and `deny_columns`"),
            "{text}"
        );
        assert!(
            text.contains("b.toml:3:14: error: row_filter of `customers` does not parse"),
            "{text}"
        );
    }

    #[test]
    fn value_hint_opt_outs() {
        let set = load(&[(
            "a.toml",
            "role = \"a\"\n[tables.orders]\nno_value_hints = [\"status\"]\n[tables.customers]\nvalue_hints = false\n",
        )])
        .expect("valid");
        let a = &set.roles["a"];
        let orders = a.tables.iter().find(|t| t.key == "orders").expect("orders");
        assert!(orders.value_hints);
        assert_eq!(orders.no_value_hints, ["status"]);
        let customers = a
            .tables
            .iter()
            .find(|t| t.key == "customers")
            .expect("customers");
        assert!(!customers.value_hints);
        let e = load(&[(
            "a.toml",
            "role = \"a\"\n[tables.\"*\"]\nno_value_hints = [\"status\"]\n",
        )])
        .unwrap_err();
        assert!(
            e.to_string().contains(
                "a.toml:3:18: error: `*` matches many tables; `no_value_hints` needs one table"
            ),
            "{e}"
        );
        let e = load(&[(
            "a.toml",
            "role = \"a\"\n[tables.orders]\nvalue_hint = false\n",
        )])
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `value_hint`"), "{e}");
    }

    #[test]
    fn cycles_and_inheritance() {
        let e = load(&[
            ("a.toml", "role = \"a\"\ninherits = \"b\"\n"),
            ("b.toml", "role = \"b\"\ninherits = \"a\"\n"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("inherits from itself"), "{e}");
        let set = load(&[
            ("base.toml", "role = \"base\"\n[limits]\nmax_rows = 10\n[tables.orders]\n[tables.customers]\ndeny_columns = [\"email\"]\n"),
            ("child.toml", "role = \"child\"\ninherits = \"base\"\n[tables.customers]\n"),
        ])
        .expect("valid");
        let child = &set.roles["child"];
        assert_eq!(child.limits.max_rows, 10);
        assert_eq!(child.tables.len(), 2);
        assert!(
            child
                .tables
                .iter()
                .any(|t| t.key == "customers" && t.columns == ColumnRule::All)
        );
    }
}
