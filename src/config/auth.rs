//! `[server] auth` and `[server.oauth]`: how HTTP callers are identified.

use std::collections::BTreeMap;

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
            AuthMode::OAuth(Box::new(OAuthConfig {
                issuer,
                audience,
                jwks_file: o.jwks_file.map(Into::into),
                jwks_url: o.jwks_url,
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
