//! `[server] auth` and `[server.oauth]`: how HTTP callers are identified.

use std::collections::BTreeMap;

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum AuthKind {
    Token,
    Oauth,
    None,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOAuth {
    issuer: Option<String>,
    audience: Option<String>,
    jwks_file: Option<String>,
    jwks_url: Option<String>,
    #[serde(default, with = "humantime_serde")]
    jwks_refresh: Option<Duration>,
    principal_claim: Option<String>,
    role_claim: Option<String>,
    #[serde(default)]
    roles: BTreeMap<String, String>,
    #[serde(default)]
    attrs: BTreeMap<String, String>,
    resource: Option<String>,
}

/// How HTTP callers are identified (`[server] auth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// Bearer tokens made by `sqlwarden token create` (the default).
    Token,
    /// JWT bearer tokens from an OAuth 2.1 authorization server.
    OAuth(Box<OAuthConfig>),
    /// No authentication (loopback only): callers get `[server] role/attrs`.
    None,
}

/// `[server.oauth]`: how JWTs are checked and mapped to a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthConfig {
    pub issuer: String,
    pub audience: String,
    /// A JWKS document on disk (`jwks_file`), or fetched from `jwks_url` and cached.
    pub jwks_file: Option<std::path::PathBuf>,
    pub jwks_url: Option<String>,
    /// How long a fetched JWKS is used before it is fetched again (default 10 minutes). A token
    /// signed by a key the set does not hold triggers an earlier fetch, at most once per
    /// `min(jwks_refresh, 30 s)`.
    pub jwks_refresh: Duration,
    /// The claim naming the principal (default `sub`).
    pub principal_claim: String,
    /// The claim carrying the role, a string or an array of strings (default `role`).
    pub role_claim: String,
    /// Claim value -> role; empty means the claim value is the role name.
    pub roles: BTreeMap<String, String>,
    /// Principal attribute -> the claim it comes from.
    pub attrs: BTreeMap<String, String>,
    /// This server's resource identifier in the protected-resource metadata (default: its URL).
    pub resource: Option<String>,
}

pub(super) fn auth_mode(
    kind: Option<AuthKind>,
    oauth: Option<RawOAuth>,
    origin: &str,
    errors: &mut Vec<String>,
) -> AuthMode {
    match (kind.unwrap_or(AuthKind::Token), oauth) {
        (AuthKind::Token, None) => AuthMode::Token,
        (AuthKind::None, None) => AuthMode::None,
        (AuthKind::Oauth, Some(o)) => {
            let mut need = |v: Option<String>, key: &str| {
                v.unwrap_or_else(|| {
                    errors.push(format!("{origin}: [server.oauth] needs `{key}`"));
                    String::new()
                })
            };
            let issuer = need(o.issuer, "issuer");
            let audience = need(o.audience, "audience");
            if o.jwks_file.is_none() == o.jwks_url.is_none() {
                errors.push(format!(
                    "{origin}: [server.oauth] needs exactly one of `jwks_file` and `jwks_url`"
                ));
            }
            if let Some(url) = &o.jwks_url
                && let Err(why) = check_jwks_url(url)
            {
                errors.push(format!("{origin}: [server.oauth] jwks_url {why}"));
            }
            AuthMode::OAuth(Box::new(OAuthConfig {
                issuer,
                audience,
                jwks_file: o.jwks_file.map(Into::into),
                jwks_url: o.jwks_url,
                jwks_refresh: o.jwks_refresh.unwrap_or(DEFAULT_JWKS_REFRESH),
                principal_claim: o.principal_claim.unwrap_or_else(|| "sub".into()),
                role_claim: o.role_claim.unwrap_or_else(|| "role".into()),
                roles: o.roles,
                attrs: o.attrs,
                resource: o.resource,
            }))
        }
        (AuthKind::Oauth, None) => {
            errors.push(format!(
                "{origin}: [server] auth = \"oauth\" needs a [server.oauth] section (issuer, audience, jwks_file or jwks_url)"
            ));
            AuthMode::None
        }
        (_, Some(_)) => {
            errors.push(format!(
                "{origin}: [server.oauth] is only read with [server] auth = \"oauth\""
            ));
            AuthMode::None
        }
    }
}

const DEFAULT_JWKS_REFRESH: Duration = Duration::from_secs(600);

/// A JWKS URL must be HTTPS; plain HTTP only to this machine (a local authorization server).
fn check_jwks_url(url: &str) -> Result<(), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("`{url}` is not an absolute URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(format!(
            "`{url}` must use https (plain http is accepted only for localhost)"
        )),
        _ => Err(format!("`{url}` must be an https URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::check_jwks_url;

    #[test]
    fn jwks_urls_must_be_https_except_on_loopback() {
        assert!(check_jwks_url("https://idp.example.com/.well-known/jwks.json").is_ok());
        assert!(check_jwks_url("http://127.0.0.1:8080/jwks").is_ok());
        assert!(check_jwks_url("http://localhost/jwks").is_ok());
        assert!(check_jwks_url("http://[::1]:9000/jwks").is_ok());
        assert!(check_jwks_url("http://idp.example.com/jwks").is_err());
        assert!(check_jwks_url("http://127.0.0.1.evil.example/jwks").is_err());
        assert!(check_jwks_url("http://localhost@evil.example/jwks").is_err());
        assert!(check_jwks_url("file:///etc/jwks.json").is_err());
        assert!(check_jwks_url("idp.example.com/jwks").is_err());
    }
}
