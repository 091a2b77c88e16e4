//! DBA prompt files: prompt templates with declared arguments, served by `prompts/get`.
//!
//! Input: `prompts/*.toml` in the policy directory (one prompt per file; format in the README).
//! Output: a validated [`PromptSet`]. A prompt's text may use `{{argument}}` and `{{schema}}`
//! (the caller's role-visible schema, filled at `prompts/get`: never a hidden table or column).
//! Roles limit who sees a prompt (default: every role). The built-in prompts live in
//! `mcp::prompts`; this module only loads and checks files.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, did_you_mean};
use crate::policy::{Origin, PolicyErrors, PolicySet};

/// Names of the built-in prompts, which a file may not take.
pub const BUILTIN: [&str; 3] = ["ask_data", "explain_table", "review_sql"];

/// Every DBA prompt.
#[derive(Debug, Clone, Default)]
pub struct PromptSet {
    pub prompts: Vec<PromptFile>,
}

impl PromptSet {
    pub fn get(&self, name: &str) -> Option<&PromptFile> {
        self.prompts.iter().find(|p| p.name == name)
    }
}

/// One prompt file.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptFile {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub arguments: Vec<PromptArgument>,
    /// With `{{argument}}` and `{{schema}}` slots.
    pub text: String,
    /// Who may see it; empty = every role.
    pub roles: BTreeSet<String>,
    pub origin: Origin,
}

impl PromptFile {
    pub fn allows(&self, role: &str) -> bool {
        self.roles.is_empty() || self.roles.contains(role)
    }
}

/// A declared argument of a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptArgument {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub required: bool,
    /// What `completion/complete` offers: `table` or `column` (role-visible names only).
    pub complete: Option<Completes>,
}

/// Names a prompt argument can be completed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Completes {
    Table,
    Column,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrompt {
    name: Spanned<String>,
    title: Option<String>,
    description: String,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    #[serde(default)]
    arguments: Vec<PromptArgument>,
    text: Spanned<String>,
}

/// Load every `*.toml` file of a directory (a missing directory is no prompts).
pub fn load_dir(dir: &Path, policies: &PolicySet) -> Result<PromptSet, PolicyErrors> {
    let texts = crate::policy::read_toml_files(dir, true)?;
    load_texts(&texts, policies)
}

/// Load prompts from (file name, text) pairs, checking roles against `policies`.
pub fn load_texts(
    files: &[(String, String)],
    policies: &PolicySet,
) -> Result<PromptSet, PolicyErrors> {
    let mut errors = Vec::new();
    let mut prompts: Vec<PromptFile> = Vec::new();
    for (file, text) in files {
        let at = |offset: usize, msg: String| Diagnostic::at(file, text, offset, msg);
        let raw = match toml::from_str::<RawPrompt>(text) {
            Ok(raw) => raw,
            Err(e) => {
                let offset = e.span().map(|s| s.start).unwrap_or(0);
                errors.push(at(offset, e.message().to_string()));
                continue;
            }
        };
        let name = raw.name.get_ref().clone();
        let name_at = raw.name.span().start;
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            errors.push(
                at(name_at, format!("prompt name `{name}` is not valid"))
                    .with_help("use 1 to 64 letters, digits, `_` and `-`"),
            );
        }
        if BUILTIN.contains(&name.as_str()) || prompts.iter().any(|p| p.name == name) {
            errors.push(
                at(name_at, format!("prompt `{name}` is defined twice"))
                    .with_help(format!("built-in prompts: {}", BUILTIN.join(", "))),
            );
        }
        for r in &raw.roles {
            if policies.get(r.get_ref()).is_none() {
                let mut d = at(r.span().start, format!("unknown role `{}`", r.get_ref()));
                if let Some(s) =
                    did_you_mean(r.get_ref(), policies.roles.keys().map(String::as_str))
                {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
            }
        }
        // Every {{slot}} is an argument or `schema`.
        let declared: Vec<&str> = raw.arguments.iter().map(|a| a.name.as_str()).collect();
        for (offset, slot) in slots(raw.text.get_ref()) {
            if slot != "schema" && !declared.contains(&slot) {
                let mut d = at(
                    raw.text.span().start + offset,
                    format!("`{{{{{slot}}}}}` is not an argument of this prompt"),
                );
                d = d.with_help(match did_you_mean(slot, declared.iter().copied()) {
                    Some(s) => format!("did you mean `{{{{{s}}}}}`?"),
                    None => "declare it under [[arguments]], or use {{schema}}".to_string(),
                });
                errors.push(d);
            }
        }
        let d = Diagnostic::at(file, text, name_at, "");
        prompts.push(PromptFile {
            name,
            title: raw.title,
            description: raw.description,
            arguments: raw.arguments,
            text: raw.text.into_inner(),
            roles: raw.roles.into_iter().map(|r| r.into_inner()).collect(),
            origin: Origin {
                file: d.file,
                line: d.line,
                col: d.col,
            },
        });
    }
    if errors.is_empty() {
        Ok(PromptSet { prompts })
    } else {
        Err(PolicyErrors(errors))
    }
}

/// The `{{slot}}`s of a text, with their byte offsets.
pub fn slots(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text.get(from..).and_then(|t| t.find("{{")) {
        let open = from + start + 2;
        let Some(len) = text.get(open..).and_then(|t| t.find("}}")) else {
            break;
        };
        out.push((
            from + start,
            text.get(open..open + len).unwrap_or("").trim(),
        ));
        from = open + len + 2;
    }
    out
}

/// Fill `{{slot}}`s from `value` (a slot it does not know stays as written). Values are
/// inserted once: a value that itself contains `{{...}}` is not expanded again.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (offset, slot) in slots(text) {
        out.push_str(text.get(from..offset).unwrap_or(""));
        let end = text
            .get(offset..)
            .and_then(|t| t.find("}}"))
            .map_or(text.len(), |e| offset + e + 2);
        match value(slot) {
            Some(v) => out.push_str(&v),
            None => out.push_str(text.get(offset..end).unwrap_or("")),
        }
        from = end;
    }
    out.push_str(text.get(from..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_fill_once() {
        let t = "Q: {{question}}\n{{ schema }}\n{{other}}";
        let out = fill(t, |s| match s {
            "question" => Some("{{schema}}".into()),
            "schema" => Some("S".into()),
            _ => None,
        });
        assert_eq!(out, "Q: {{schema}}\nS\n{{other}}");
    }

    #[test]
    fn unknown_slots_and_roles_are_reported() {
        let set = PolicySet::builtin(Default::default());
        let e = load_texts(
            &[(
                "p.toml".into(),
                "name = \"p\"\ndescription = \"d\"\nroles = [\"defualt\"]\ntext = \"{{questoin}}\"\n[[arguments]]\nname = \"question\"\n".into(),
            )],
            &set,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("p.toml:3:10: error: unknown role `defualt`"),
            "{e}"
        );
        assert!(e.contains("did you mean `{{question}}`?"), "{e}");
    }
}
