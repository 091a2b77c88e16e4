//! DBA query templates: vetted, parameterised statements published as MCP tools of their own.
//!
//! Input: `templates/*.toml` in the policy directory (one template per file; format in the
//! README). Output: a validated [`TemplateSet`]. A template names the roles that may run it;
//! its SQL uses named placeholders (`:from`) that become bound parameters (never spliced), and
//! at call time it is governed for the caller's role like any statement, so a template can
//! never show a role more than `query` would. Argument checking ([`Template::bind`]) happens
//! here; listing and calling are `mcp::templates`; checks against a live schema are
//! `cli::serve`'s start-up validator (shared with `policy check`).

mod load;

use std::collections::BTreeSet;
use std::time::Duration;

pub use load::{load_dir, load_texts};

use crate::dialect::Dialect;
use crate::policy::Origin;

/// Every template, by tool name.
#[derive(Debug, Clone, Default)]
pub struct TemplateSet {
    pub templates: Vec<Template>,
}

impl TemplateSet {
    pub fn get(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.name == name)
    }

    /// The templates `role` may run.
    pub fn for_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Template> + 'a {
        self.templates.iter().filter(move |t| t.allows(role))
    }
}

/// One query template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The tool name.
    pub name: String,
    /// Written for a model: what it answers and when to use it.
    pub description: String,
    /// In file order.
    pub params: Vec<Param>,
    /// The statement with `:name` placeholders.
    pub sql: String,
    /// Roles that may see and run it.
    pub roles: BTreeSet<String>,
    /// The database it runs against (default: the first configured).
    pub database: Option<String>,
    /// Row cap (the role's cap still applies when lower).
    pub max_rows: Option<u32>,
    /// How long results may be cached (parsed; the result cache reads it).
    pub cache_ttl: Option<Duration>,
    pub origin: Origin,
    /// Where the SQL text starts in its file, for diagnostics inside it.
    pub sql_origin: SqlOrigin,
}

/// The file text and the byte offset of a template's SQL in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SqlOrigin {
    pub file: String,
    pub text: String,
    pub offset: usize,
}

impl SqlOrigin {
    /// A diagnostic at `at` bytes into the SQL.
    pub fn diagnostic(&self, at: usize, message: impl Into<String>) -> crate::diag::Diagnostic {
        crate::diag::Diagnostic::at(&self.file, &self.text, self.offset + at, message)
    }
}

impl Template {
    pub fn allows(&self, role: &str) -> bool {
        self.roles.contains(role)
    }

    /// The statement with numbered placeholders for `dialect`, and the parameter names in bind
    /// order. PostgreSQL gets a cast on date and timestamp parameters (they are bound as text).
    pub fn numbered(
        &self,
        dialect: Dialect,
    ) -> Result<crate::sql::Numbered, crate::sql::NamedError> {
        crate::sql::number_placeholders(&self.sql, dialect, |name| {
            let kind = self.params.iter().find(|p| p.name == name)?.kind;
            match (dialect, kind) {
                (Dialect::Postgres, ParamKind::Date) => Some("date"),
                (Dialect::Postgres, ParamKind::Timestamp) => Some("timestamp"),
                _ => None,
            }
        })
    }

    /// Check the caller's arguments against the declared parameters and return the values to
    /// bind, in `order`. Every refusal names the parameter and what it accepts.
    pub fn bind(
        &self,
        args: &serde_json::Map<String, serde_json::Value>,
        order: &[String],
    ) -> Result<Vec<serde_json::Value>, String> {
        if let Some(unknown) = args
            .keys()
            .find(|k| !self.params.iter().any(|p| &p.name == *k))
        {
            let known: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "unknown argument `{unknown}`; {} takes: {}",
                self.name,
                if known.is_empty() {
                    "no arguments".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
        order
            .iter()
            .map(|name| {
                let p = self
                    .params
                    .iter()
                    .find(|p| &p.name == name)
                    .ok_or_else(|| format!("parameter `{name}` is not declared"))?;
                p.value(args.get(name))
            })
            .collect()
    }
}

/// The type of a template parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    String,
    Integer,
    Number,
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD HH:MM:SS` (or with `T`, optional fraction).
    Timestamp,
    /// One of `values`.
    Enum,
}

impl ParamKind {
    pub fn name(self) -> &'static str {
        match self {
            ParamKind::String => "string",
            ParamKind::Integer => "integer",
            ParamKind::Number => "number",
            ParamKind::Boolean => "boolean",
            ParamKind::Date => "date",
            ParamKind::Timestamp => "timestamp",
            ParamKind::Enum => "enum",
        }
    }
}

/// One declared parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    pub description: String,
    /// Required unless it has a default or says `required = false` (then it binds NULL).
    pub required: bool,
    pub default: Option<serde_json::Value>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub max_length: Option<u64>,
    /// The allowed values of an `enum`.
    pub values: Vec<String>,
    /// Where it is declared.
    pub origin: Origin,
}

impl Param {
    /// The value to bind for `given` (the caller's argument, if any).
    pub fn value(&self, given: Option<&serde_json::Value>) -> Result<serde_json::Value, String> {
        let v = match given {
            None | Some(serde_json::Value::Null) => match (&self.default, self.required) {
                (Some(d), _) => return Ok(d.clone()),
                (None, true) => {
                    return Err(format!(
                        "missing required argument `{}` ({}{})",
                        self.name,
                        self.expects(),
                        if self.description.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", self.description)
                        }
                    ));
                }
                (None, false) => return Ok(serde_json::Value::Null),
            },
            Some(v) => v,
        };
        self.check(v).map_err(|why| {
            format!(
                "argument `{}` {why}; expected {}",
                self.name,
                self.expects()
            )
        })
    }

    /// What the parameter accepts, in words.
    pub fn expects(&self) -> String {
        let range = match (self.min, self.max) {
            (Some(a), Some(b)) => format!(" from {} to {}", num(a), num(b)),
            (Some(a), None) => format!(" >= {}", num(a)),
            (None, Some(b)) => format!(" <= {}", num(b)),
            (None, None) => String::new(),
        };
        match self.kind {
            ParamKind::Enum => format!("one of {}", self.values.join(", ")),
            ParamKind::Date => {
                let day = |d: f64| {
                    epoch()
                        .checked_add_signed(chrono::TimeDelta::days(d as i64))
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                };
                match (self.min, self.max) {
                    (Some(a), Some(b)) => {
                        format!("a date YYYY-MM-DD from {} to {}", day(a), day(b))
                    }
                    (Some(a), None) => format!("a date YYYY-MM-DD on or after {}", day(a)),
                    (None, Some(b)) => format!("a date YYYY-MM-DD on or before {}", day(b)),
                    (None, None) => "a date YYYY-MM-DD".to_string(),
                }
            }
            ParamKind::Timestamp => "a timestamp YYYY-MM-DD HH:MM:SS".to_string(),
            ParamKind::String => match self.max_length {
                Some(n) => format!("a string of at most {n} characters"),
                None => "a string".to_string(),
            },
            k => format!("{} {}{range}", article(k), k.name()),
        }
    }

    /// A valid value normalised for binding, or why `v` is not one.
    pub fn check(&self, v: &serde_json::Value) -> Result<serde_json::Value, String> {
        use serde_json::Value;
        let got = || format!("is {}", describe(v));
        match self.kind {
            ParamKind::Integer => {
                let n = v.as_i64().ok_or_else(got)?;
                self.in_range(n as f64, &n.to_string())?;
                Ok(Value::from(n))
            }
            ParamKind::Number => {
                let n = v.as_f64().filter(|f| f.is_finite()).ok_or_else(got)?;
                self.in_range(n, &num(n))?;
                Ok(v.clone())
            }
            ParamKind::Boolean => v.as_bool().map(Value::from).ok_or_else(got),
            ParamKind::String => {
                let s = v.as_str().ok_or_else(got)?;
                if let Some(max) = self.max_length
                    && s.chars().count() as u64 > max
                {
                    return Err(format!("is {} characters long", s.chars().count()));
                }
                Ok(Value::from(s))
            }
            ParamKind::Enum => {
                let s = v.as_str().ok_or_else(got)?;
                if self.values.iter().any(|x| x == s) {
                    Ok(Value::from(s))
                } else {
                    Err(format!("is {}", crate::shape::quoted(s)))
                }
            }
            ParamKind::Date => {
                let s = v.as_str().ok_or_else(got)?;
                let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("is {}, not a date", crate::shape::quoted(s)))?;
                let f = d.format("%Y-%m-%d").to_string();
                self.date_in_range(d)?;
                Ok(Value::from(f))
            }
            ParamKind::Timestamp => {
                let s = v.as_str().ok_or_else(got)?;
                let t = parse_timestamp(s.trim())
                    .ok_or_else(|| format!("is {}, not a timestamp", crate::shape::quoted(s)))?;
                Ok(Value::from(t.format("%Y-%m-%d %H:%M:%S").to_string()))
            }
        }
    }

    fn in_range(&self, n: f64, shown: &str) -> Result<(), String> {
        if self.min.is_some_and(|m| n < m) || self.max.is_some_and(|m| n > m) {
            return Err(format!("is {shown}, out of range"));
        }
        Ok(())
    }

    /// A date's `min`/`max` are held as days since 1970-01-01 (the file says `YYYY-MM-DD`).
    fn date_in_range(&self, d: chrono::NaiveDate) -> Result<(), String> {
        let days = d.signed_duration_since(epoch()).num_days() as f64;
        if self.min.is_some_and(|m| days < m) || self.max.is_some_and(|m| days > m) {
            return Err(format!("is {}, out of range", d.format("%Y-%m-%d")));
        }
        Ok(())
    }
}

fn epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::default()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub(crate) fn date_days(s: &str) -> Option<f64> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(d.signed_duration_since(epoch()).num_days() as f64)
}

/// A number as people write it: `10`, not `10.0`.
fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn article(k: ParamKind) -> &'static str {
    match k {
        ParamKind::Integer => "an",
        _ => "a",
    }
}

fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(_) => "a boolean".into(),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => format!("the integer {n}"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the string {}", crate::shape::quoted(s)),
        serde_json::Value::Array(_) => "an array".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

fn parse_timestamp(s: &str) -> Option<chrono::NaiveDateTime> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(kind: ParamKind) -> Param {
        Param {
            name: "p".into(),
            kind,
            description: String::new(),
            required: true,
            default: None,
            min: None,
            max: None,
            max_length: None,
            values: vec![],
            origin: Origin::default(),
        }
    }

    #[test]
    fn values_are_checked_and_normalised() {
        let mut p = param(ParamKind::Integer);
        p.min = Some(1.0);
        p.max = Some(50.0);
        assert_eq!(p.value(Some(&json!(5))), Ok(json!(5)));
        let e = p.value(Some(&json!(500))).unwrap_err();
        assert!(
            e.contains("out of range") && e.contains("from 1 to 50"),
            "{e}"
        );
        let e = p.value(Some(&json!("5"))).unwrap_err();
        assert!(e.contains("is the string \"5\""), "{e}");
        assert!(
            p.value(None)
                .unwrap_err()
                .contains("missing required argument `p`")
        );
        let p = param(ParamKind::Date);
        assert_eq!(p.value(Some(&json!("2025-01-31"))), Ok(json!("2025-01-31")));
        assert!(p.value(Some(&json!("2025-02-30"))).is_err());
        let p = param(ParamKind::Timestamp);
        assert_eq!(
            p.value(Some(&json!("2025-01-31T10:00:00Z"))),
            Ok(json!("2025-01-31 10:00:00"))
        );
        let mut p = param(ParamKind::Enum);
        p.values = vec!["smb".into()];
        assert!(p.value(Some(&json!("smb' OR 1=1"))).is_err());
        let mut p = param(ParamKind::String);
        p.max_length = Some(3);
        assert!(p.value(Some(&json!("abcd"))).is_err());
    }
}
