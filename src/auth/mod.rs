//! Identity: who is calling. A [`Principal`] (name, role, attributes) belongs to the request:
//! the HTTP layer authenticates each request and puts one in its extensions; stdio fixes one at
//! start (`--role/--attr`, or a token in `SQLWARDEN_TOKEN`). Every tool reads it from its request
//! context, never from the server handler.
//!
//! Must never log, echo or store a token or secret.

pub mod oauth;
pub mod token;

use std::collections::BTreeMap;

/// The caller: a name, a role and attributes (row filters read the attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: String,
    pub attrs: BTreeMap<String, String>,
    /// The credential's id for the audit trail (a token id, a JWT's `jti`); never the secret.
    pub token_id: Option<String>,
}

impl Principal {
    pub fn new(name: impl Into<String>, role: impl Into<String>) -> Self {
        Principal {
            name: name.into(),
            role: role.into(),
            attrs: BTreeMap::new(),
            token_id: None,
        }
    }

    pub fn with_attr(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.attrs.insert(k.into(), v.into());
        self
    }
}

/// How HTTP callers are identified (`[server] auth`).
pub enum Authenticator {
    /// `auth = "none"` (loopback only, or `--unsafe-no-auth`): every caller is this principal.
    None(std::sync::Arc<Principal>),
    /// `auth = "oauth"`: JWT bearer tokens from an OAuth 2.1 authorization server.
    OAuth(Box<oauth::OAuthVerifier>),
    /// `auth = "token"`: bearer tokens from `sqlwarden token create`. `anonymous` serves
    /// requests that carry no credentials at all (the loopback demo only); a credential that
    /// fails is refused either way.
    Tokens {
        tokens: token::Tokens,
        anonymous: Option<std::sync::Arc<Principal>>,
    },
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Authenticator::None(_) => "Authenticator::None",
            Authenticator::OAuth(_) => "Authenticator::OAuth",
            Authenticator::Tokens { .. } => "Authenticator::Tokens",
        })
    }
}

impl Authenticator {
    /// Whether a caller must present credentials.
    pub fn requires_credentials(&self) -> bool {
        !matches!(self, Authenticator::None(_))
    }
}
