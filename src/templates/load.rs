//! Template files -> raw serde types (spans on every name) -> validated [`Template`]s.
//!
//! Checks here need no database: syntax, unknown keys, names (unique, not a core tool), roles
//! that exist (did-you-mean), parameter declarations (types, ranges, defaults, enum values),
//! placeholders against parameters, and that the SQL parses as one read-only statement.
//! Governing it for every role that may run it, against the live schema, is the start-up
//! validator's job (shared with `policy check`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{Param, ParamKind, SqlOrigin, Template, TemplateSet};
use crate::diag::{Diagnostic, did_you_mean};
use crate::dialect::Dialect;
use crate::policy::{Origin, PolicyErrors, PolicySet};

/// Names of the built-in tools, which a template may not take.
pub(crate) const CORE_TOOLS: [&str; 4] =
    ["query", "list_tables", "describe_table", "explain_query"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: Spanned<String>,
    description: Spanned<String>,
    roles: Spanned<Vec<Spanned<String>>>,
    sql: Spanned<String>,
    database: Option<Spanned<String>>,
    max_rows: Option<Spanned<u32>>,
    #[serde(default, with = "humantime_serde")]
    cache_ttl: Option<Duration>,
    #[serde(default)]
    params: BTreeMap<Spanned<String>, RawParam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default)]
    description: String,
    required: Option<bool>,
    default: Option<Spanned<toml::Value>>,
    min: Option<Spanned<toml::Value>>,
    max: Option<Spanned<toml::Value>>,
    max_length: Option<Spanned<u64>>,
    values: Option<Spanned<Vec<String>>>,
}

/// Load every `*.toml` file of a directory (a missing directory is no templates).
pub fn load_dir(dir: &Path, policies: &PolicySet) -> Result<TemplateSet, PolicyErrors> {
    let texts = crate::policy::read_toml_files(dir, true)?;
    load_texts(&texts, policies)
}

/// Load templates from (file name, text) pairs, checking roles against `policies`.
pub fn load_texts(
    files: &[(String, String)],
    policies: &PolicySet,
) -> Result<TemplateSet, PolicyErrors> {
    let mut errors = Vec::new();
    let mut templates: Vec<Template> = Vec::new();
    for (file, text) in files {
        let raw = match toml::from_str::<RawTemplate>(text) {
            Ok(raw) => raw,
            Err(e) => {
                let offset = e.span().map(|s| s.start).unwrap_or(0);
                errors.push(Diagnostic::at(file, text, offset, e.message().to_string()));
                continue;
            }
        };
        match template_of(file, text, raw, policies) {
            Ok(t) => {
                if let Some(first) = templates.iter().find(|x| x.name == t.name) {
                    errors.push(
                        t.origin
                            .diagnostic(format!("template `{}` is defined twice", t.name))
                            .with_help(format!("the other definition is in {}", first.origin.file)),
                    );
                } else {
                    templates.push(t);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(TemplateSet { templates })
    } else {
        Err(PolicyErrors(errors))
    }
}

fn template_of(
    file: &str,
    text: &str,
    raw: RawTemplate,
    policies: &PolicySet,
) -> Result<Template, Vec<Diagnostic>> {
    let at = |offset: usize, msg: String| Diagnostic::at(file, text, offset, msg);
    let mut errors = Vec::new();
    let name = raw.name.get_ref().clone();
    let valid_name = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_name {
        errors.push(
            at(
                raw.name.span().start,
                format!("template name `{name}` is not valid"),
            )
            .with_help("use 1 to 64 letters, digits, `_` and `-` (it is the tool name)"),
        );
    }
    if CORE_TOOLS.contains(&name.as_str()) {
        errors.push(
            at(
                raw.name.span().start,
                format!("`{name}` is a built-in tool"),
            )
            .with_help("give the template a name of its own"),
        );
    }
    if raw.description.get_ref().trim().is_empty() {
        errors.push(
            at(
                raw.description.span().start,
                "the description is empty".into(),
            )
            .with_help("say what the template answers and when a model should use it"),
        );
    }
    let mut roles = BTreeSet::new();
    if raw.roles.get_ref().is_empty() {
        errors.push(
            at(
                raw.roles.span().start,
                "no role may run this template".into(),
            )
            .with_help("list the roles, e.g. roles = [\"analyst\"]"),
        );
    }
    for r in raw.roles.get_ref() {
        if policies.get(r.get_ref()).is_none() {
            let mut d = at(r.span().start, format!("unknown role `{}`", r.get_ref()));
            if let Some(s) = did_you_mean(r.get_ref(), policies.roles.keys().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            errors.push(d);
        }
        roles.insert(r.get_ref().clone());
    }
    if let Some(m) = &raw.max_rows
        && *m.get_ref() == 0
    {
        errors.push(at(m.span().start, "max_rows must be at least 1".into()));
    }
    let mut raw_params: Vec<_> = raw.params.into_iter().collect();
    raw_params.sort_by_key(|(k, _)| k.span().start);
    let mut params = Vec::new();
    for (key, p) in raw_params {
        match param_of(file, text, &key, p) {
            Ok(p) => params.push(p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    let sql_origin = SqlOrigin {
        file: file.to_string(),
        text: text.to_string(),
        offset: content_start(text, raw.sql.span().start),
    };
    let template = Template {
        name,
        description: raw.description.get_ref().trim().to_string(),
        params,
        sql: raw.sql.get_ref().clone(),
        roles,
        database: raw.database.map(|d| d.into_inner()),
        max_rows: raw.max_rows.map(|m| m.into_inner()),
        cache_ttl: raw.cache_ttl,
        origin: origin(file, text, raw.name.span().start),
        sql_origin,
    };
    errors.extend(check_sql(&template));
    if errors.is_empty() {
        Ok(template)
    } else {
        Err(errors)
    }
}

fn param_of(
    file: &str,
    text: &str,
    key: &Spanned<String>,
    p: RawParam,
) -> Result<Param, Vec<Diagnostic>> {
    let at = |offset: usize, msg: String| Diagnostic::at(file, text, offset, msg);
    let name = key.get_ref().clone();
    let mut errors = Vec::new();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        errors.push(
            at(
                key.span().start,
                format!("parameter name `{name}` is not valid"),
            )
            .with_help("use letters, digits and `_` (it is written `:name` in the SQL)"),
        );
    }
    const KINDS: [&str; 7] = [
        "string",
        "integer",
        "number",
        "boolean",
        "date",
        "timestamp",
        "enum",
    ];
    let kind: Option<ParamKind> = toml::Value::String(p.kind.get_ref().clone())
        .try_into()
        .ok();
    let Some(kind) = kind else {
        let mut d = at(
            p.kind.span().start,
            format!("unknown parameter type `{}`", p.kind.get_ref()),
        );
        d = d.with_help(match did_you_mean(p.kind.get_ref(), KINDS) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of {}", KINDS.join(", ")),
        });
        return Err(vec![d]);
    };
    let bound = |v: &Option<Spanned<toml::Value>>, errors: &mut Vec<Diagnostic>| -> Option<f64> {
        let v = v.as_ref()?;
        let n = match (kind, v.get_ref()) {
            (ParamKind::Integer | ParamKind::Number, toml::Value::Integer(i)) => Some(*i as f64),
            (ParamKind::Number, toml::Value::Float(f)) => Some(*f),
            (ParamKind::Date, toml::Value::String(s)) => super::date_days(s),
            (ParamKind::Date, toml::Value::Datetime(d)) => super::date_days(&d.to_string()),
            _ => None,
        };
        if n.is_none() {
            errors.push(
                at(
                    v.span().start,
                    format!("min/max do not fit a {} parameter", kind.name()),
                )
                .with_help(
                    "integer and number take numbers; date takes YYYY-MM-DD; other types take none",
                ),
            );
        }
        n
    };
    let min = bound(&p.min, &mut errors);
    let max = bound(&p.max, &mut errors);
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        errors.push(at(key.span().start, "min is greater than max".into()));
    }
    if let Some(m) = &p.max_length
        && kind != ParamKind::String
    {
        errors.push(at(
            m.span().start,
            "max_length is for string parameters".into(),
        ));
    }
    let values = p
        .values
        .as_ref()
        .map(|v| v.get_ref().clone())
        .unwrap_or_default();
    match (&p.values, kind) {
        (None, ParamKind::Enum) => errors.push(
            at(
                key.span().start,
                format!("enum parameter `{name}` has no values"),
            )
            .with_help("add values = [\"a\", \"b\"]"),
        ),
        (Some(v), ParamKind::Enum) if v.get_ref().is_empty() => {
            errors.push(at(v.span().start, "values is empty".into()));
        }
        (Some(v), k) if k != ParamKind::Enum => errors.push(
            at(v.span().start, "values is for enum parameters".into())
                .with_help("use type = \"enum\""),
        ),
        _ => {}
    }
    let mut param = Param {
        name,
        kind,
        description: p.description.trim().to_string(),
        required: true,
        default: None,
        min,
        max,
        max_length: p.max_length.map(|m| m.into_inner()),
        values,
        origin: origin(file, text, key.span().start),
    };
    if let Some(d) = &p.default {
        let json = serde_json::to_value(d.get_ref())
            .ok()
            .map(|v| match (kind, v) {
                // a TOML date is written without quotes
                (ParamKind::Date | ParamKind::Timestamp, serde_json::Value::Object(_)) => {
                    serde_json::Value::String(d.get_ref().to_string())
                }
                (_, v) => v,
            })
            .unwrap_or_default();
        match param.check(&json) {
            Ok(v) => param.default = Some(v),
            Err(why) => errors.push(
                at(d.span().start, format!("the default {why}"))
                    .with_help(format!("expected {}", param.expects())),
            ),
        }
    }
    param.required = p.required.unwrap_or(param.default.is_none());
    if errors.is_empty() {
        Ok(param)
    } else {
        Err(errors)
    }
}

/// Placeholders against parameters, and the statement parses (in either dialect: which one
/// runs it is known only with the configuration).
fn check_sql(t: &Template) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let numbered = match t.numbered(Dialect::Postgres) {
        Ok(n) => n,
        Err(e) => return vec![t.sql_origin.diagnostic(e.offset, e.message)],
    };
    let declared: Vec<&str> = t.params.iter().map(|p| p.name.as_str()).collect();
    for (name, offset) in &numbered.offsets {
        if !declared.contains(&name.as_str()) {
            let mut d = t
                .sql_origin
                .diagnostic(*offset, format!("placeholder `:{name}` has no parameter"));
            d = d.with_help(match did_you_mean(name, declared.iter().copied()) {
                Some(s) => format!("did you mean `:{s}`?"),
                None => format!("declare it: [params.{name}] with a type"),
            });
            errors.push(d);
        }
    }
    for p in &t.params {
        if !numbered.names.contains(&p.name) {
            errors.push(
                p.origin
                    .diagnostic(format!("parameter `{}` is not used in the SQL", p.name))
                    .with_help(format!(
                        "write `:{}` where its value goes, or remove it",
                        p.name
                    )),
            );
        }
    }
    if errors.is_empty() {
        let pg = crate::sql::check_syntax(&numbered.sql, Dialect::Postgres);
        let lite = t
            .numbered(Dialect::Sqlite)
            .map_err(|e| e.message)
            .and_then(|n| {
                crate::sql::check_syntax(&n.sql, Dialect::Sqlite).map_err(|e| e.to_string())
            });
        if let (Err(e), Err(_)) = (pg, lite) {
            errors.push(
                t.sql_origin
                    .diagnostic(0, format!("the SQL is not a read-only statement: {e}")),
            );
        }
    }
    errors
}

/// Where a TOML string's content starts, given where the string token starts.
fn content_start(text: &str, token: usize) -> usize {
    let rest = text.get(token..).unwrap_or_default();
    if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        let after = token + 3;
        match text.get(after..) {
            Some(r) if r.starts_with("\r\n") => after + 2,
            Some(r) if r.starts_with('\n') => after + 1,
            _ => after,
        }
    } else {
        token + 1
    }
}

fn origin(file: &str, text: &str, offset: usize) -> Origin {
    let d = Diagnostic::at(file, text, offset, "");
    Origin {
        file: d.file,
        line: d.line,
        col: d.col,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policies() -> PolicySet {
        let mut set = PolicySet::builtin(Default::default());
        let mut analyst = crate::policy::RolePolicy::default_role(Default::default());
        analyst.name = "analyst".into();
        set.roles.insert("analyst".into(), analyst);
        set
    }

    fn load(text: &str) -> Result<TemplateSet, String> {
        load_texts(&[("t.toml".into(), text.into())], &policies()).map_err(|e| e.to_string())
    }

    #[test]
    fn a_good_template_loads() {
        let set = load(
            "name = \"top\"\ndescription = \"Top customers.\"\nroles = [\"analyst\"]\n\
             sql = \"\"\"\nSELECT name FROM customers WHERE segment = :segment LIMIT :n\"\"\"\n\
             [params.segment]\ntype = \"enum\"\nvalues = [\"smb\", \"consumer\"]\n\
             [params.n]\ntype = \"integer\"\nmin = 1\nmax = 50\ndefault = 10\n",
        )
        .unwrap();
        let t = set.get("top").unwrap();
        assert_eq!(t.params.len(), 2);
        assert_eq!(t.params[0].name, "segment");
        assert!(t.params[0].required);
        assert!(!t.params[1].required);
    }

    #[test]
    fn mistakes_have_positions_and_help() {
        let e = load(
            "name = \"top\"\ndescription = \"x\"\nroles = [\"analist\"]\n\
             sql = \"\"\"\nSELECT name FROM customers\nWHERE segment = :segmnt\"\"\"\n\
             [params.segment]\ntype = \"enumm\"\n",
        )
        .unwrap_err();
        assert!(
            e.contains("t.toml:3:10: error: unknown role `analist`"),
            "{e}"
        );
        assert!(e.contains("did you mean `analyst`?"), "{e}");
        assert!(e.contains("unknown parameter type `enumm`"), "{e}");
        let e = load(
            "name = \"query\"\ndescription = \"x\"\nroles = [\"analyst\"]\n\
             sql = \"\"\"\nSELECT name FROM customers\nWHERE segment = :segmnt\"\"\"\n\
             [params.segment]\ntype = \"string\"\n",
        )
        .unwrap_err();
        assert!(e.contains("`query` is a built-in tool"), "{e}");
        assert!(
            e.contains("t.toml:6:17: error: placeholder `:segmnt` has no parameter"),
            "{e}"
        );
        assert!(e.contains("did you mean `:segment`?"), "{e}");
        let e = load(
            "name = \"w\"\ndescription = \"x\"\nroles = [\"analyst\"]\nsql = \"DELETE FROM t\"\n",
        )
        .unwrap_err();
        assert!(e.contains("not a read-only statement"), "{e}");
    }
}
