//! Test harness: a throwaway PostgreSQL cluster per test binary, SQLite demo files, the built
//! binary, and MCP clients. No mocks, no docker.
#![allow(dead_code, clippy::disallowed_methods, unreachable_pub)]

pub mod deploy;
pub mod mcp;
pub mod pg;
pub mod process;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The demo SQLite database, built once per test binary (read-only afterwards).
pub fn sqlite_demo() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sqlwarden-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("invariant: temp dir is writable");
        let path = dir.join("demo.db");
        let target = path.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(sqlwarden::db::build_demo_sqlite(&target))
                .expect("demo database builds");
        })
        .join()
        .expect("demo build thread");
        path
    })
    .clone()
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The sqlwarden binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sqlwarden")
}

/// A free loopback TCP port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A corpus case: `-- key: value` header lines, then the SQL.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: String,
    pub dialect: String,
    /// "allow", or the expected denial rule / "parse_error".
    pub expect: String,
    /// Role to run as (`default` when the file names none).
    pub role: String,
    pub attrs: std::collections::BTreeMap<String, String>,
    pub sql: String,
}

impl Case {
    pub fn applies_to(&self, dialect: &str) -> bool {
        self.dialect == "any" || self.dialect == dialect
    }
}

pub fn load_corpus(kind: &str) -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus dir exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("corpus file readable");
            let text = String::from_utf8_lossy(&bytes).to_string();
            let mut dialect = "any".to_string();
            let mut expect = String::new();
            let mut role = "default".to_string();
            let mut attrs = std::collections::BTreeMap::new();
            let mut body = Vec::new();
            let mut in_header = true;
            for line in text.split_inclusive('\n') {
                let trimmed = line.trim();
                if in_header {
                    if let Some(v) = trimmed.strip_prefix("-- dialect:") {
                        dialect = v.trim().to_string();
                        continue;
                    }
                    if let Some(v) = trimmed.strip_prefix("-- expect:") {
                        let v = v.trim();
                        expect = v
                            .strip_prefix("deny")
                            .map(|r| r.trim().to_string())
                            .unwrap_or_else(|| v.to_string());
                        continue;
                    }
                    if let Some(v) = trimmed.strip_prefix("-- role:") {
                        role = v.trim().to_string();
                        continue;
                    }
                    if let Some(v) = trimmed.strip_prefix("-- attrs:") {
                        for pair in v.split([',', ' ']).filter(|p| !p.is_empty()) {
                            if let Some((k, val)) = pair.split_once('=') {
                                attrs.insert(k.trim().to_string(), val.trim().to_string());
                            }
                        }
                        continue;
                    }
                    if trimmed.starts_with("-- why:") {
                        continue;
                    }
                    in_header = false;
                }
                body.push(line);
            }
            let sql = body.concat().trim_end().to_string();
            Case {
                file: path
                    .file_name()
                    .map(|f| f.to_string_lossy().to_string())
                    .unwrap_or_default(),
                dialect,
                expect,
                role,
                attrs,
                sql,
            }
        })
        .collect()
}

/// The demo role policies plus the built-in `default` role.
pub fn demo_policies() -> sqlwarden::policy::PolicySet {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let limits = sqlwarden::policy::Limits::default();
    let mut set = sqlwarden::policy::load_dir(&dir, limits).expect("demo policies load");
    set.roles.insert(
        "default".into(),
        sqlwarden::policy::RolePolicy::default_role(limits),
    );
    set
}
