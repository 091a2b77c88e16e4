//! Configuration: TOML file -> raw serde types -> validated [`Config`].
//!
//! Sources, lowest to highest precedence: the file given with `--config`, then environment
//! overrides (`SQLWARDEN_MAX_ROWS`, `SQLWARDEN_MAX_RESULT_BYTES`, `SQLWARDEN_STATEMENT_TIMEOUT`,
//! `SQLWARDEN_HTTP`, `SQLWARDEN_ALLOWED_HOSTS` (comma-separated), `SQLWARDEN_POLICIES`,
//! `SQLWARDEN_STORE_URL`, `SQLWARDEN_SHUTDOWN_TIMEOUT`, `SQLWARDEN_DRAIN_DELAY`, and
//! `DATABASE_URL`, which alone is enough to serve one database). [`ENV_VARS`] lists every name
//! the binary reads; the container files are tested against it.
//! Validation collects every problem before failing. Connection URLs are [`Secret`]s.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::policy::Limits;

mod audit;
mod auth;
mod cache;
mod env;

use auth::{AuthKind, RawOAuth, auth_mode};
pub use auth::{AuthMode, OAuthConfig};
pub use env::ENV_VARS;

/// A value that must never reach a log: its `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    policies: RawPolicies,
    #[serde(default)]
    databases: BTreeMap<String, RawDatabase>,
    #[serde(default)]
    store: RawStore,
    #[serde(default)]
    audit: audit::RawAudit,
    #[serde(default)]
    cache: cache::RawCache,
}

/// `[store]`: where the governance store (tokens, audit trail) lives.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    url: Option<Secret>,
    /// Allow the store to be one of the target databases (off: they are kept apart).
    #[serde(default)]
    share_target_database: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    http: Option<String>,
    allowed_hosts: Option<Vec<String>>,
    allowed_origins: Option<Vec<String>>,
    trusted_proxies: Option<Vec<String>>,
    role: Option<String>,
    principal: Option<String>,
    #[serde(default)]
    attrs: BTreeMap<String, String>,
    auth: Option<AuthKind>,
    oauth: Option<RawOAuth>,
    #[serde(default, with = "humantime_serde")]
    shutdown_timeout: Option<Duration>,
    #[serde(default, with = "humantime_serde")]
    drain_delay: Option<Duration>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicies {
    dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_rows: Option<u64>,
    max_result_bytes: Option<u64>,
    #[serde(default, with = "humantime_serde")]
    statement_timeout: Option<Duration>,
    max_sql_length: Option<usize>,
    /// The default of every role's `cache_ttl`.
    #[serde(default, with = "humantime_serde")]
    cache_ttl: Option<Duration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: Option<Secret>,
    url_env: Option<String>,
    #[serde(default)]
    schemas: Vec<String>,
    max_connections: Option<usize>,
    #[serde(default)]
    default: bool,
    #[serde(default, with = "humantime_serde")]
    statement_timeout: Option<Duration>,
}

/// One database to serve.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub name: String,
    pub url: Secret,
    pub schemas: Vec<String>,
    pub max_connections: usize,
    pub statement_timeout: Duration,
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub http: Option<SocketAddr>,
    pub allowed_hosts: Option<Vec<String>>,
    pub allowed_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`[server] trusted_proxies`,
    /// env `SQLWARDEN_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Role of HTTP callers until tokens exist.
    pub http_role: String,
    pub http_principal: String,
    /// Attributes of HTTP callers (until tokens exist).
    pub http_attrs: BTreeMap<String, String>,
    /// How HTTP callers are identified.
    pub auth: AuthMode,
    /// Directory of role policy files; `None` = the built-in `default` role only.
    pub policies_dir: Option<std::path::PathBuf>,
    pub limits: Limits,
    pub max_sql_length: usize,
    /// The first entry is the default database.
    pub databases: Vec<DatabaseConfig>,
    /// The governance store URL (`[store] url`, env `SQLWARDEN_STORE_URL`); `None` = the
    /// default SQLite file (see [`crate::store::default_url`]).
    pub store_url: Option<Secret>,
    /// `[audit]`: durability and what is recorded.
    pub audit: crate::audit::AuditConfig,
    /// `[cache] max_bytes`: the result cache's size bound (0: no result cache).
    pub cache_max_bytes: u64,
    /// On SIGTERM/SIGINT: how long `/readyz` reports unready while new calls are still served
    /// (`[server] drain_delay`, default 0s), then how long running calls may take before they
    /// are cancelled (`[server] shutdown_timeout`, default 10s).
    pub drain_delay: Duration,
    pub shutdown_timeout: Duration,
}

/// The file's text (if any), its name for messages, and the process environment.
type Sources = (Option<String>, String, BTreeMap<String, String>);

fn sources(path: Option<&Path>) -> Result<Sources, ConfigError> {
    let text = match path {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| ConfigError(vec![format!("{}: cannot read: {e}", p.display())]))?,
        ),
        None => None,
    };
    let origin = path
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "<environment>".into());
    Ok((text, origin, std::env::vars().collect()))
}

/// Every problem found, one per line.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// Load from an optional file plus the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (text, origin, env) = sources(path)?;
        let mut config = Self::from_parts(text.as_deref(), &origin, &env)?;
        if let (Some(dir), Some(p)) = (&config.policies_dir, path)
            && dir.is_relative()
            && let Some(base) = p.parent()
        {
            config.policies_dir = Some(base.join(dir));
        }
        if let (AuthMode::OAuth(o), Some(p)) = (&mut config.auth, path)
            && let Some(file) = &o.jwks_file
            && file.is_relative()
            && let Some(base) = p.parent()
        {
            o.jwks_file = Some(base.join(file));
        }
        Ok(config)
    }

    /// Build from TOML text (if any) and an environment map. Pure: used by tests.
    pub fn from_parts(
        text: Option<&str>,
        origin: &str,
        env: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let raw: RawConfig = match text {
            Some(t) => {
                toml::from_str(t).map_err(|e| ConfigError(vec![toml_error(origin, t, &e)]))?
            }
            None => RawConfig::default(),
        };
        let mut errors = Vec::new();
        let defaults = Limits::default();
        let mut limits = Limits {
            max_rows: raw.limits.max_rows.unwrap_or(defaults.max_rows),
            max_result_bytes: raw
                .limits
                .max_result_bytes
                .unwrap_or(defaults.max_result_bytes),
            statement_timeout: raw
                .limits
                .statement_timeout
                .unwrap_or(defaults.statement_timeout),
            cache_ttl: raw.limits.cache_ttl.unwrap_or(defaults.cache_ttl),
            ..defaults
        };
        if let Some(v) = env.get("SQLWARDEN_MAX_ROWS") {
            match v.parse() {
                Ok(n) => limits.max_rows = n,
                Err(_) => errors.push(format!("SQLWARDEN_MAX_ROWS: `{v}` is not a number")),
            }
        }
        if let Some(v) = env.get("SQLWARDEN_MAX_RESULT_BYTES") {
            match v.parse() {
                Ok(n) => limits.max_result_bytes = n,
                Err(_) => errors.push(format!("SQLWARDEN_MAX_RESULT_BYTES: `{v}` is not a number")),
            }
        }
        if let Some(v) = env.get("SQLWARDEN_STATEMENT_TIMEOUT") {
            match humantime::parse_duration(v) {
                Ok(d) => limits.statement_timeout = d,
                Err(_) => errors.push(format!(
                    "SQLWARDEN_STATEMENT_TIMEOUT: `{v}` is not a duration (e.g. 5s, 500ms)"
                )),
            }
        }
        if limits.max_rows == 0 {
            errors.push(format!("{origin}: limits.max_rows must be at least 1"));
        }
        if limits.statement_timeout.is_zero() {
            errors.push(format!(
                "{origin}: limits.statement_timeout must be more than 0"
            ));
        }
        let http_text = env
            .get("SQLWARDEN_HTTP")
            .cloned()
            .or(raw.server.http.clone());
        let http = match http_text {
            Some(h) => match h.parse::<SocketAddr>() {
                Ok(a) => Some(a),
                Err(_) => {
                    errors.push(format!(
                        "{origin}: server.http `{h}` is not an address like 127.0.0.1:8080"
                    ));
                    None
                }
            },
            None => None,
        };
        let (drain_delay, shutdown_timeout) = env::lifecycle(
            raw.server.drain_delay,
            raw.server.shutdown_timeout,
            env,
            &mut errors,
        );
        let allowed_hosts =
            env::allowed_hosts(env, &mut errors).or(raw.server.allowed_hosts.clone());
        if allowed_hosts.as_ref().is_some_and(Vec::is_empty)
            && !env.contains_key("SQLWARDEN_ALLOWED_HOSTS")
        {
            errors.push(format!(
                "{origin}: server.allowed_hosts is empty, which would accept any Host header; list the host names clients use"
            ));
        }
        let trusted_proxies = env::trusted_proxies(env)
            .or(raw.server.trusted_proxies.clone())
            .map(|list| {
                crate::http::proxy::parse(&list).unwrap_or_else(|e| {
                    errors.push(format!("{origin}: server.trusted_proxies: {e}"));
                    vec![]
                })
            })
            .unwrap_or_default();
        let mut databases = Vec::new();
        let mut default_index = None;
        for (name, db) in &raw.databases {
            let url = match (&db.url, &db.url_env) {
                (Some(u), None) => Some(u.clone()),
                (None, Some(var)) => match env.get(var) {
                    Some(u) => Some(Secret::new(u.clone())),
                    None => {
                        errors.push(format!("{origin}: databases.{name}.url_env: environment variable {var} is not set"));
                        None
                    }
                },
                (Some(_), Some(_)) => {
                    errors.push(format!(
                        "{origin}: databases.{name}: set either url or url_env, not both"
                    ));
                    None
                }
                (None, None) => {
                    errors.push(format!(
                        "{origin}: databases.{name}: missing url\nhelp: add url = \"postgres://user@host/db\" or url_env = \"DATABASE_URL\""
                    ));
                    None
                }
            };
            if db.default {
                if default_index.is_some() {
                    errors.push(format!(
                        "{origin}: databases.{name}: only one database can be the default"
                    ));
                }
                default_index = Some(databases.len());
            }
            if let Some(url) = url {
                databases.push(DatabaseConfig {
                    name: name.clone(),
                    url,
                    schemas: db.schemas.clone(),
                    max_connections: db.max_connections.unwrap_or(8).max(1),
                    statement_timeout: db.statement_timeout.unwrap_or(limits.statement_timeout),
                });
            }
        }
        if raw.databases.is_empty() {
            match env.get("DATABASE_URL") {
                Some(u) => databases.push(DatabaseConfig {
                    name: "main".into(),
                    url: Secret::new(u.clone()),
                    schemas: vec![],
                    max_connections: 8,
                    statement_timeout: limits.statement_timeout,
                }),
                None => errors.push(
                    "no database configured\nhelp: set DATABASE_URL, or add a [databases.NAME] table with url = \"...\" to the config file"
                        .into(),
                ),
            }
        }
        if let Some(i) = default_index {
            let d = databases.remove(i.min(databases.len().saturating_sub(1)));
            databases.insert(0, d);
        }
        let target_urls: Vec<&Secret> = databases.iter().map(|d| &d.url).collect();
        let store_url = validate_store(&raw.store, &target_urls, origin, env, &mut errors);
        let auth = auth_mode(raw.server.auth, raw.server.oauth, origin, &mut errors);
        let audit = raw.audit.resolve(origin, &mut errors);
        if !errors.is_empty() {
            return Err(ConfigError(errors));
        }
        Ok(Config {
            http,
            allowed_hosts,
            allowed_origins: raw.server.allowed_origins.unwrap_or_default(),
            trusted_proxies,
            http_role: raw.server.role.unwrap_or_else(|| "default".into()),
            http_principal: raw.server.principal.unwrap_or_else(|| "http".into()),
            http_attrs: raw.server.attrs,
            auth,
            policies_dir: env
                .get("SQLWARDEN_POLICIES")
                .cloned()
                .or(raw.policies.dir)
                .map(std::path::PathBuf::from),
            limits,
            max_sql_length: raw.limits.max_sql_length.unwrap_or(100_000),
            databases,
            store_url,
            audit,
            cache_max_bytes: raw.cache.max_bytes(),
            drain_delay,
            shutdown_timeout,
        })
    }

    /// Only the governance store URL, for `token`, `audit` and `migrate`, which need no target
    /// database configured. Still refuses a store that is one of the configured databases.
    pub fn load_store_url(path: Option<&Path>) -> Result<Option<Secret>, ConfigError> {
        let (text, origin, env) = sources(path)?;
        Self::store_url_from_parts(text.as_deref(), &origin, &env)
    }

    /// [`Config::load_store_url`] from TOML text and an environment map. Pure: used by tests.
    pub fn store_url_from_parts(
        text: Option<&str>,
        origin: &str,
        env: &BTreeMap<String, String>,
    ) -> Result<Option<Secret>, ConfigError> {
        let raw: RawConfig = match text {
            Some(t) => {
                toml::from_str(t).map_err(|e| ConfigError(vec![toml_error(origin, t, &e)]))?
            }
            None => RawConfig::default(),
        };
        let mut targets: Vec<Secret> = raw
            .databases
            .values()
            .filter_map(|db| {
                db.url.clone().or_else(|| {
                    db.url_env
                        .as_ref()
                        .and_then(|v| env.get(v))
                        .map(Secret::new)
                })
            })
            .collect();
        if raw.databases.is_empty()
            && let Some(u) = env.get("DATABASE_URL")
        {
            targets.push(Secret::new(u.clone()));
        }
        let mut errors = Vec::new();
        let url = validate_store(
            &raw.store,
            &targets.iter().collect::<Vec<_>>(),
            origin,
            env,
            &mut errors,
        );
        if errors.is_empty() {
            Ok(url)
        } else {
            Err(ConfigError(errors))
        }
    }
}

/// `[store]`, with `SQLWARDEN_STORE_URL` taking precedence; the store must not be one of the
/// target databases unless `share_target_database = true`.
fn validate_store(
    raw: &RawStore,
    targets: &[&Secret],
    origin: &str,
    env: &BTreeMap<String, String>,
    errors: &mut Vec<String>,
) -> Option<Secret> {
    let url = env
        .get("SQLWARDEN_STORE_URL")
        .filter(|u| !u.is_empty())
        .map(|u| Secret::new(u.clone()))
        .or_else(|| raw.url.clone());
    if let Some(u) = &url {
        let u = u.expose();
        if !(u.starts_with("sqlite:")
            || u.starts_with("postgres://")
            || u.starts_with("postgresql://"))
        {
            errors.push(format!(
                "{origin}: store.url must be a sqlite://PATH or postgres:// URL"
            ));
        }
        if !raw.share_target_database
            && targets
                .iter()
                .any(|t| crate::store::same_database(u, t.expose()))
        {
            errors.push(format!(
                "{origin}: store.url is one of the target databases; the governance store (tokens, audit trail) is kept apart from the data sqlwarden serves\nhelp: point store.url at its own database, or set share_target_database = true under [store] if this is intended"
            ));
        }
    }
    url
}

/// A TOML error with file:line:col.
fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count() + 1)
                .unwrap_or(1);
            format!("{origin}:{line}:{col}: {}", e.message())
        }
        None => format!("{origin}: {}", e.message()),
    }
}

#[cfg(test)]
mod tests;
