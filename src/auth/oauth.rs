//! OAuth 2.1 resource server: JWT bearer tokens from an authorization server, checked against
//! its JWKS (signature, issuer, audience, expiry, not-before) and mapped to a [`Principal`] by
//! configured claims (`[server.oauth]`: role from e.g. a `groups` claim, attributes from custom
//! claims). Also the RFC 9728 protected-resource metadata that tells MCP clients which
//! authorization server to get a token from.
//!
//! Only asymmetric algorithms are accepted (a JWKS holds public keys; `HS*` would let anyone who
//! can read the JWKS mint tokens). Never logs a token; a rejection says why only in debug logs.

use std::collections::BTreeMap;
use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

use super::Principal;
use crate::config::OAuthConfig;

/// Why the verifier could not be built.
#[derive(Debug, thiserror::Error)]
pub enum OAuthSetupError {
    #[error("cannot read the JWKS file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the JWKS file {path} is not a JSON Web Key Set: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "jwks_url is not supported yet: save the authorization server's JWKS to a file and set jwks_file"
    )]
    UrlUnsupported,
}

/// A bearer token that does not identify a caller. The reason is for debug logs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected(pub &'static str);

const ASYMMETRIC: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Checks JWTs for one authorization server.
pub struct OAuthVerifier {
    config: OAuthConfig,
    keys: Arc<JwkSet>,
}

impl OAuthVerifier {
    pub fn from_config(config: &OAuthConfig) -> Result<Self, OAuthSetupError> {
        let Some(path) = &config.jwks_file else {
            return Err(OAuthSetupError::UrlUnsupported);
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| OAuthSetupError::Read {
            path: shown.clone(),
            source,
        })?;
        let keys: JwkSet =
            serde_json::from_str(&text).map_err(|source| OAuthSetupError::Parse {
                path: shown,
                source,
            })?;
        Ok(OAuthVerifier {
            config: config.clone(),
            keys: Arc::new(keys),
        })
    }

    /// The authorization server callers should get tokens from.
    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    /// The configured resource identifier, if any.
    pub fn resource(&self) -> Option<&str> {
        self.config.resource.as_deref()
    }

    /// Verify a JWT and map its claims to a principal.
    pub fn verify(&self, token: &str) -> Result<Principal, Rejected> {
        let header = decode_header(token).map_err(|_| Rejected("malformed token"))?;
        if !ASYMMETRIC.contains(&header.alg) {
            return Err(Rejected("algorithm not accepted"));
        }
        let jwk = match &header.kid {
            Some(kid) => self.keys.find(kid),
            // Without a key id, a set of one key is unambiguous.
            None => match self.keys.keys.as_slice() {
                [only] => Some(only),
                _ => None,
            },
        }
        .ok_or(Rejected("unknown signing key"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| Rejected("unusable signing key"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        let data = decode::<BTreeMap<String, Value>>(token, &key, &validation)
            .map_err(|_| Rejected("signature, issuer, audience or lifetime check failed"))?;
        self.principal(&data.claims)
    }

    /// Claims -> principal, by the configured mapping.
    fn principal(&self, claims: &BTreeMap<String, Value>) -> Result<Principal, Rejected> {
        let name = claims
            .get(&self.config.principal_claim)
            .and_then(scalar)
            .ok_or(Rejected("no principal claim"))?;
        let values: Vec<String> = match claims.get(&self.config.role_claim) {
            Some(Value::Array(items)) => items.iter().filter_map(scalar).collect(),
            Some(v) => scalar(v).into_iter().collect(),
            None => vec![],
        };
        let role = if self.config.roles.is_empty() {
            values.into_iter().next()
        } else {
            values
                .iter()
                .find_map(|v| self.config.roles.get(v).cloned())
        }
        .ok_or(Rejected("no role claim maps to a role"))?;
        let mut principal = Principal::new(name, role);
        for (attr, claim) in &self.config.attrs {
            if let Some(v) = claims.get(claim).and_then(scalar) {
                principal.attrs.insert(attr.clone(), v);
            }
        }
        Ok(principal)
    }

    /// RFC 9728 protected-resource metadata for `resource` (this server's MCP URL).
    pub fn metadata(&self, resource: &str) -> Value {
        serde_json::json!({
            "resource": resource,
            "authorization_servers": [self.config.issuer],
            "bearer_methods_supported": ["header"],
            "resource_name": "sqlwarden",
        })
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
