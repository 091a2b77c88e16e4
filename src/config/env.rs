//! The environment variables sqlwarden reads, and the server settings that only come from
//! `[server]` or the environment (shutdown timing, allowed hosts).

use std::collections::BTreeMap;
use std::time::Duration;

/// Every environment variable sqlwarden reads (configuration, secrets, the CLI's `env`
/// defaults), so deployment files can be checked against it.
pub const ENV_VARS: &[&str] = &[
    "DATABASE_URL",
    "SQLWARDEN_CONFIG",
    "SQLWARDEN_LOG_FORMAT",
    "SQLWARDEN_HTTP",
    "SQLWARDEN_ALLOWED_HOSTS",
    "SQLWARDEN_POLICIES",
    "SQLWARDEN_STORE_URL",
    "SQLWARDEN_MAX_ROWS",
    "SQLWARDEN_MAX_RESULT_BYTES",
    "SQLWARDEN_STATEMENT_TIMEOUT",
    "SQLWARDEN_SHUTDOWN_TIMEOUT",
    "SQLWARDEN_DRAIN_DELAY",
    "SQLWARDEN_ROLE",
    "SQLWARDEN_TOKEN",
    "SQLWARDEN_AUDIT_KEY",
    "SQLWARDEN_DEMO_DB",
    "RUST_LOG",
];

/// `(drain_delay, shutdown_timeout)`: `SQLWARDEN_DRAIN_DELAY` / `[server] drain_delay`
/// (default 0s) and `SQLWARDEN_SHUTDOWN_TIMEOUT` / `[server] shutdown_timeout` (default 10s).
pub(super) fn lifecycle(
    drain_delay: Option<Duration>,
    shutdown_timeout: Option<Duration>,
    env: &BTreeMap<String, String>,
    errors: &mut Vec<String>,
) -> (Duration, Duration) {
    let mut duration =
        |var: &str, from_file: Option<Duration>, default: Duration| match env.get(var) {
            Some(v) => humantime::parse_duration(v).unwrap_or_else(|_| {
                errors.push(format!("{var}: `{v}` is not a duration (e.g. 10s, 500ms)"));
                default
            }),
            None => from_file.unwrap_or(default),
        };
    (
        duration("SQLWARDEN_DRAIN_DELAY", drain_delay, Duration::ZERO),
        duration(
            "SQLWARDEN_SHUTDOWN_TIMEOUT",
            shutdown_timeout,
            Duration::from_secs(10),
        ),
    )
}

/// `SQLWARDEN_ALLOWED_HOSTS`: comma-separated Host header values (a deployment's real names; a
/// name without a port matches any port). An empty list is refused: the transport would read
/// it as "any host" and drop the DNS-rebinding check.
pub(super) fn allowed_hosts(
    env: &BTreeMap<String, String>,
    errors: &mut Vec<String>,
) -> Option<Vec<String>> {
    let hosts: Vec<String> = env
        .get("SQLWARDEN_ALLOWED_HOSTS")?
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect();
    if hosts.is_empty() {
        errors.push(
            "SQLWARDEN_ALLOWED_HOSTS is empty; name the hosts clients use, comma-separated \
             (e.g. sqlwarden,sqlwarden.example.com)"
                .into(),
        );
    }
    Some(hosts)
}

/// `SQLWARDEN_TRUSTED_PROXIES`: comma-separated addresses or networks.
pub(super) fn trusted_proxies(env: &BTreeMap<String, String>) -> Option<Vec<String>> {
    let list = env.get("SQLWARDEN_TRUSTED_PROXIES")?;
    Some(
        list.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let mut errors = Vec::new();
        let e = env(&[("SQLWARDEN_SHUTDOWN_TIMEOUT", "3s")]);
        let (drain, timeout) = lifecycle(
            Some(Duration::from_secs(2)),
            Some(Duration::from_secs(30)),
            &e,
            &mut errors,
        );
        assert_eq!(
            (drain, timeout),
            (Duration::from_secs(2), Duration::from_secs(3))
        );
        assert!(errors.is_empty());
        let e = env(&[("SQLWARDEN_DRAIN_DELAY", "soon")]);
        lifecycle(None, None, &e, &mut errors);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("SQLWARDEN_DRAIN_DELAY"));
    }

    #[test]
    fn allowed_hosts_are_a_comma_separated_list() {
        let mut errors = Vec::new();
        let e = env(&[("SQLWARDEN_ALLOWED_HOSTS", "sqlwarden, sqlwarden.svc:8080,,")]);
        assert_eq!(
            allowed_hosts(&e, &mut errors),
            Some(vec![
                "sqlwarden".to_string(),
                "sqlwarden.svc:8080".to_string()
            ])
        );
        assert_eq!(allowed_hosts(&env(&[]), &mut errors), None);
        assert!(errors.is_empty());
        // Empty would mean "any host" to the transport: refused.
        allowed_hosts(&env(&[("SQLWARDEN_ALLOWED_HOSTS", " , ")]), &mut errors);
        assert_eq!(errors.len(), 1);
    }
}
