//! The deployment files (Dockerfile, docker-compose.yml, Kubernetes manifests) as data: a small
//! Dockerfile reader, YAML documents, and checks against the binary's command line and the
//! environment names it reads.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_yaml_ng::Value as Yaml;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One Dockerfile instruction: keyword and its argument text (continuations joined).
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: String,
    pub args: String,
}

pub fn dockerfile() -> Vec<Instruction> {
    let text = std::fs::read_to_string(repo().join("Dockerfile")).expect("Dockerfile");
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (keyword, args) = current.split_once(' ').unwrap_or((current.as_str(), ""));
                out.push(Instruction {
                    keyword: keyword.to_uppercase(),
                    args: args.trim().to_string(),
                });
                current.clear();
            }
        }
    }
    out
}

/// The runtime stage: everything after the last FROM.
pub fn final_stage(all: &[Instruction]) -> Vec<Instruction> {
    let last = all
        .iter()
        .rposition(|i| i.keyword == "FROM")
        .expect("a FROM");
    all[last + 1..].to_vec()
}

pub fn one<'a>(stage: &'a [Instruction], keyword: &str) -> &'a Instruction {
    let found: Vec<&Instruction> = stage.iter().filter(|i| i.keyword == keyword).collect();
    assert_eq!(found.len(), 1, "exactly one {keyword} in the runtime stage");
    found[0]
}

pub fn json_array(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("exec form (JSON array) expected: {s}: {e}"))
}

/// `KEY=VALUE` pairs of every ENV in `stage`.
pub fn env_of(stage: &[Instruction]) -> BTreeMap<String, String> {
    stage
        .iter()
        .filter(|i| i.keyword == "ENV")
        .flat_map(|i| {
            i.args
                .split_whitespace()
                .map(|kv| {
                    let (k, v) = kv.split_once('=').expect("ENV KEY=VALUE");
                    (k.to_string(), v.to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `sqlwarden ARGS --help` succeeds and documents every `--flag` in `args`.
pub fn assert_cli_accepts(args: &[String]) {
    let sub: Vec<&String> = args.iter().take_while(|a| !a.starts_with('-')).collect();
    let out = Command::new(super::bin())
        .args(&sub)
        .arg("--help")
        .output()
        .expect("sqlwarden --help");
    assert!(out.status.success(), "`sqlwarden {sub:?}` is a command");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in args.iter().filter(|a| a.starts_with("--")) {
        let name = flag.split('=').next().unwrap_or(flag);
        assert!(
            help.contains(name),
            "`sqlwarden {sub:?}` has no {name}:\n{help}"
        );
    }
}

/// The port of an `--http ADDR` argument.
pub fn http_port(args: &[String]) -> u16 {
    let i = args
        .iter()
        .position(|a| a == "--http")
        .expect("--http ADDR");
    args[i + 1]
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("ADDR with a port")
}

pub fn assert_known_env(names: impl IntoIterator<Item = String>, file: &str) {
    for name in names {
        assert!(
            sqlwarden::config::ENV_VARS.contains(&name.as_str()),
            "{file}: {name} is not an environment variable sqlwarden reads"
        );
    }
}

pub fn yaml(path: &str) -> Vec<Yaml> {
    let text = std::fs::read_to_string(repo().join(path)).expect("yaml file");
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML"))
        .collect()
}

pub fn strings(v: &Yaml) -> Vec<String> {
    v.as_sequence()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

/// `${NAME:-default}` -> default (what compose substitutes when NAME is unset).
pub fn compose_defaults(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').expect("closing }") + i;
        let inner = &rest[i + 2..end];
        out.push_str(inner.split_once(":-").map_or("", |(_, d)| d));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

pub fn compose_env(service: &Yaml) -> BTreeMap<String, String> {
    service["environment"]
        .as_mapping()
        .expect("environment as a map")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().expect("name").to_string(),
                v.as_str().expect("value").to_string(),
            )
        })
        .collect()
}
