//! OAuth 2.1 resource server: JWT bearer tokens from an authorization server, checked against
//! its JWKS (signature, issuer, audience, expiry, not-before) and mapped to a [`Principal`] by
//! configured claims (`[server.oauth]`: role from e.g. a `groups` claim, attributes from custom
//! claims). Also the RFC 9728 protected-resource metadata that tells MCP clients which
//! authorization server to get a token from.
//!
//! The key set comes from a file (`jwks_file`, read at start) or a URL (`jwks_url`): fetched at
//! start (the server refuses to start without it), used for `jwks_refresh`, then fetched again;
//! a token signed by a key the set does not hold triggers an earlier fetch, at most once per
//! cool-down, so an authorization server's key rotation is picked up without a restart and
//! made-up key ids cannot make the server hammer it. A failed refresh keeps the last good set.
//!
//! Only asymmetric algorithms are accepted (a JWKS holds public keys; `HS*` would let anyone who
//! can read the JWKS mint tokens). Never logs a token; a rejection says why only in debug logs.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

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
    #[error("cannot fetch the JWKS from {url}: {reason}")]
    Fetch { url: String, reason: String },
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

/// The longest a token with an unknown key id waits before the JWKS may be fetched again.
const MAX_COOLDOWN: Duration = Duration::from_secs(30);
/// A JWKS response larger than this is refused (real sets are a few kilobytes).
const MAX_JWKS_BYTES: usize = 1 << 20;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks JWTs for one authorization server.
pub struct OAuthVerifier {
    config: OAuthConfig,
    keys: Keys,
}

enum Keys {
    /// Read from `jwks_file` at start.
    Fixed(Arc<JwkSet>),
    /// Fetched from `jwks_url` and refreshed.
    Fetched(Box<RemoteJwks>),
}

struct RemoteJwks {
    url: String,
    client: reqwest::Client,
    refresh: Duration,
    cooldown: Duration,
    current: RwLock<Arc<JwkSet>>,
    /// When the set in `current` was fetched, and when a fetch was last tried.
    times: Mutex<FetchTimes>,
    /// Held while fetching, so concurrent refreshes are one fetch.
    fetching: tokio::sync::Mutex<()>,
}

struct FetchTimes {
    fetched: Instant,
    attempted: Instant,
}

impl RemoteJwks {
    async fn start(url: &str, refresh: Duration) -> Result<Self, OAuthSetupError> {
        let fail = |reason: String| OAuthSetupError::Fetch {
            url: url.to_string(),
            reason,
        };
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let keys = fetch(&client, url).await.map_err(fail)?;
        let now = Instant::now();
        Ok(RemoteJwks {
            url: url.to_string(),
            client,
            refresh,
            cooldown: refresh.min(MAX_COOLDOWN),
            current: RwLock::new(Arc::new(keys)),
            times: Mutex::new(FetchTimes {
                fetched: now,
                attempted: now,
            }),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    fn current(&self) -> Arc<JwkSet> {
        match self.current.read() {
            Ok(keys) => keys.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn times(&self) -> std::sync::MutexGuard<'_, FetchTimes> {
        self.times
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a fetch is due: the set is older than `refresh`, or `missing` (it lacks a key
    /// id a caller used), and the cool-down since the last attempt has passed.
    fn due(&self, missing: bool) -> bool {
        let times = self.times();
        (missing || times.fetched.elapsed() >= self.refresh)
            && times.attempted.elapsed() >= self.cooldown
    }

    /// The key set, fetched again first when due. A stale set is refreshed by one caller
    /// while the others go on with the current set; callers missing a key wait for the fetch.
    async fn keys(&self, missing: bool) -> Arc<JwkSet> {
        if !self.due(missing) {
            return self.current();
        }
        let _fetching = if missing {
            self.fetching.lock().await
        } else {
            match self.fetching.try_lock() {
                Ok(guard) => guard,
                Err(_) => return self.current(),
            }
        };
        // Another caller may have fetched while this one waited.
        if !self.due(missing) {
            return self.current();
        }
        self.times().attempted = Instant::now();
        match fetch(&self.client, &self.url).await {
            Ok(keys) => {
                let keys = Arc::new(keys);
                match self.current.write() {
                    Ok(mut c) => *c = keys.clone(),
                    Err(poisoned) => *poisoned.into_inner() = keys.clone(),
                }
                self.times().fetched = Instant::now();
                tracing::debug!(url = %self.url, keys = keys.keys.len(), "JWKS refreshed");
                keys
            }
            Err(reason) => {
                tracing::warn!(url = %self.url, %reason, "JWKS refresh failed; keeping the last key set");
                self.current()
            }
        }
    }
}

/// GET a JWKS document.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<JwkSet, String> {
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP status {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(format!("response larger than {MAX_JWKS_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("not a JSON Web Key Set: {e}"))
}

impl OAuthVerifier {
    /// Read or fetch the key set. With `jwks_url`, the first fetch must succeed.
    pub async fn from_config(config: &OAuthConfig) -> Result<Self, OAuthSetupError> {
        let keys = match (&config.jwks_file, &config.jwks_url) {
            (Some(path), _) => {
                let shown = path.display().to_string();
                let text =
                    std::fs::read_to_string(path).map_err(|source| OAuthSetupError::Read {
                        path: shown.clone(),
                        source,
                    })?;
                let keys: JwkSet =
                    serde_json::from_str(&text).map_err(|source| OAuthSetupError::Parse {
                        path: shown,
                        source,
                    })?;
                Keys::Fixed(Arc::new(keys))
            }
            (None, Some(url)) => {
                Keys::Fetched(Box::new(RemoteJwks::start(url, config.jwks_refresh).await?))
            }
            (None, None) => {
                return Err(OAuthSetupError::Fetch {
                    url: String::new(),
                    reason: "neither jwks_file nor jwks_url is set".into(),
                });
            }
        };
        Ok(OAuthVerifier {
            config: config.clone(),
            keys,
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
    pub async fn verify(&self, token: &str) -> Result<Principal, Rejected> {
        let header = decode_header(token).map_err(|_| Rejected("malformed token"))?;
        if !ASYMMETRIC.contains(&header.alg) {
            return Err(Rejected("algorithm not accepted"));
        }
        let find = |keys: &JwkSet| {
            match &header.kid {
                Some(kid) => keys.find(kid),
                // Without a key id, a set of one key is unambiguous.
                None => match keys.keys.as_slice() {
                    [only] => Some(only),
                    _ => None,
                },
            }
            .map(DecodingKey::from_jwk)
        };
        let found = match &self.keys {
            Keys::Fixed(keys) => find(keys),
            Keys::Fetched(remote) => {
                let keys = remote.keys(false).await;
                match find(&keys) {
                    Some(key) => Some(key),
                    // Perhaps the authorization server rotated its keys.
                    None => find(&*remote.keys(true).await),
                }
            }
        };
        let key = found
            .ok_or(Rejected("unknown signing key"))?
            .map_err(|_| Rejected("unusable signing key"))?;
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
        principal.token_id = claims
            .get("jti")
            .and_then(scalar)
            .map(|j| format!("jwt:{j}"));
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
