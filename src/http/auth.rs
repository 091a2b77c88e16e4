//! The authentication layer in front of `/mcp`: each request leaves it with the caller's
//! `Arc<Principal>` in its extensions (where the MCP handler reads it), or is answered here.
//!
//! Bearer credentials that fail get one answer, 401 with `WWW-Authenticate: Bearer`, whatever
//! was wrong with them (unknown, malformed, expired, revoked). A client address that fails too
//! often is answered 429 before any credential is checked, so nobody can make the server spend
//! argon2 time on guesses; a token verified within the last few seconds is still accepted from
//! it (no store read, no hashing), so one guesser behind a shared address (a proxy, a NAT) does
//! not lock out the callers already at work. Never logs a credential.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use std::sync::atomic::{AtomicBool, Ordering};

use crate::auth::token::{AuthError, Tokens};
use crate::auth::{Authenticator, Principal};

/// Failed authentications allowed per client address and minute before it is refused.
const FAILURES_PER_MINUTE: u32 = 20;
/// Addresses tracked before those whose budget has refilled are dropped.
const FORGET_ABOVE: usize = 10_000;
/// How long an address that went over stays refused.
const BLOCK: Duration = Duration::from_secs(60);
/// Different credentials one address may have checked at once. Failures are counted when
/// checks end, so without this an address queued any number of guesses before its first 20
/// failures landed (1,000 over HTTP/2 streams, every one checked with argon2, while other
/// callers' checks waited up to 38 s: a red-team finding). Requests bringing the same token
/// share one check and count once.
const CHECKING_PER_ADDRESS: usize = FAILURES_PER_MINUTE as usize;

/// Shared by every request of one HTTP server.
pub(crate) struct AuthState {
    authenticator: Arc<Authenticator>,
    failures: DefaultKeyedRateLimiter<IpAddr>,
    blocked: moka::sync::Cache<IpAddr, ()>,
    /// Blocked addresses whose refusal was recorded in the last second.
    recorded: moka::sync::Cache<IpAddr, ()>,
    /// `WWW-Authenticate` value sent with a 401.
    challenge: HeaderValue,
    /// Credentials being checked, per address: how many requests bring each.
    checking: std::sync::Mutex<HashMap<IpAddr, HashMap<u64, usize>>>,
    /// Keys `checking` (random per process).
    hasher: std::hash::RandomState,
}

impl AuthState {
    pub(crate) fn new(authenticator: Arc<Authenticator>, challenge: &str) -> Self {
        let per_minute = NonZeroU32::new(FAILURES_PER_MINUTE).unwrap_or(NonZeroU32::MIN);
        AuthState {
            authenticator,
            failures: RateLimiter::keyed(Quota::per_minute(per_minute)),
            blocked: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(BLOCK)
                .build(),
            recorded: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(1))
                .build(),
            challenge: HeaderValue::from_str(challenge)
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer")),
            checking: std::sync::Mutex::new(HashMap::new()),
            hasher: std::hash::RandomState::new(),
        }
    }

    /// A place among the credentials `ip` has checked at once, or `None` when it has
    /// [`CHECKING_PER_ADDRESS`] others under way.
    fn checking(&self, ip: IpAddr, token: &str) -> Option<Checking<'_>> {
        let key = std::hash::BuildHasher::hash_one(&self.hasher, token);
        let mut all = self
            .checking
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mine = all.entry(ip).or_default();
        if !mine.contains_key(&key) && mine.len() >= CHECKING_PER_ADDRESS {
            if mine.is_empty() {
                all.remove(&ip);
            }
            return None;
        }
        *mine.entry(key).or_insert(0) += 1;
        Some(Checking {
            state: self,
            ip,
            key,
        })
    }

    /// 429 for an address with too many credentials under check at once (no failure counted).
    fn too_many_at_once(&self) -> Response {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            r#"{"error":"too_many_requests","error_description":"too many credentials are being checked for this address at once"}"#,
        )
            .into_response()
    }

    fn unauthorized(&self) -> Response {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"unauthorized","error_description":"a valid bearer token is required"}"#,
        )
            .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, self.challenge.clone());
        r
    }

    /// Count a failure; an address over its budget is refused for a while.
    fn failed(&self, ip: IpAddr) {
        // addresses whose budget has refilled are forgotten, so guesses from many addresses
        // cannot grow the table for ever
        if self.failures.len() > FORGET_ABOVE {
            self.failures.retain_recent();
        }
        if self.failures.check_key(&ip).is_err() {
            if !self.blocked.contains_key(&ip) {
                tracing::warn!(client = %ip, "too many failed authentications; refusing this address for a while");
            }
            // (again each time: the block runs from the last failure over the budget)
            self.blocked.insert(ip, ());
        }
    }
}

/// A verification under way, counted as a failure if its request is dropped after its argon2
/// check began (that check runs to its end anyway: a client that hangs up mid-check is
/// guessing, as far as the lockout is concerned; such checks were never counted, and an
/// address was never refused however many it sent). One dropped while it waited for its turn
/// cost nothing and is not counted: a client with a valid token that gave up in a queue was
/// locked out after 20 such (red-team finding).
struct Attempt<'a> {
    state: &'a AuthState,
    ip: IpAddr,
    hashing: AtomicBool,
    settled: bool,
}

impl<'a> Attempt<'a> {
    fn new(state: &'a AuthState, ip: IpAddr) -> Self {
        Attempt {
            state,
            ip,
            hashing: AtomicBool::new(false),
            settled: false,
        }
    }

    /// The verification's outcome, which the caller counts as it does any other.
    async fn verify(mut self, tokens: &Tokens, token: &str) -> Result<Principal, AuthError> {
        let outcome = tokens.verify_noting(token, &self.hashing).await;
        self.settled = true;
        outcome
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled && self.hashing.load(Ordering::Relaxed) {
            self.state.failed(self.ip);
        }
    }
}

/// One request's credential under check (see [`AuthState::checking`]).
struct Checking<'a> {
    state: &'a AuthState,
    ip: IpAddr,
    key: u64,
}

impl Drop for Checking<'_> {
    fn drop(&mut self) {
        let mut all = self
            .state
            .checking
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(mine) = all.get_mut(&self.ip) {
            if let Some(n) = mine.get_mut(&self.key) {
                *n -= 1;
                if *n == 0 {
                    mine.remove(&self.key);
                }
            }
            if mine.is_empty() {
                all.remove(&self.ip);
            }
        }
    }
}

/// Put in a refusal's response that gets no audit record of its own (see [`AuthState::too_many`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unrecorded;

impl AuthState {
    /// 429 for a blocked address. Its first refusal each second is recorded; the rest are
    /// counted (`sqlwarden_audit_refusals_unrecorded_total`), so an address that floods
    /// the server with refused requests cannot fill the audit store's disk.
    fn too_many(&self, ip: IpAddr) -> Response {
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, BLOCK.as_secs().to_string())],
            r#"{"error":"too_many_requests","error_description":"too many failed authentications from this address"}"#,
        )
            .into_response();
        if self.recorded.contains_key(&ip) {
            crate::telemetry::metrics::refusal_unrecorded();
            r.extensions_mut().insert(Unrecorded);
        } else {
            self.recorded.insert(ip, ());
        }
        r
    }
}

/// The credentials of `Authorization: Bearer <token>`, if that is what was sent.
fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

pub(crate) async fn authenticate(
    State(state): State<Arc<AuthState>>,
    mut req: Request,
    next: Next,
) -> Response {
    // (an IPv6 client's budget is its /64's)
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| super::proxy::budget_key(c.0.ip()))
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let principal = match state.authenticator.as_ref() {
        Authenticator::None(p) => p.clone(),
        Authenticator::OAuth(verifier) => {
            if state.blocked.contains_key(&ip) {
                return state.too_many(ip);
            }
            let Some(token) = bearer(&req) else {
                state.failed(ip);
                return state.unauthorized();
            };
            match verifier.verify(token).await {
                Ok(p) => Arc::new(p),
                Err(rejected) => {
                    tracing::debug!(client = %ip, reason = rejected.0, "bearer token refused");
                    state.failed(ip);
                    return state.unauthorized();
                }
            }
        }
        Authenticator::Tokens { tokens, anonymous } => {
            let credentials = bearer(&req);
            if state.blocked.contains_key(&ip) {
                // A token verified moments ago costs nothing to accept again: callers behind
                // the same address (a proxy, a NAT) keep working while guesses are refused.
                let cached = match credentials {
                    Some(token) => tokens.verified(token).await,
                    None => None,
                };
                match cached {
                    Some(Ok(p)) => Arc::new(p),
                    _ => return state.too_many(ip),
                }
            } else {
                let sent_none = req.headers().get(header::AUTHORIZATION).is_none();
                match (credentials, anonymous) {
                    (None, Some(anonymous)) if sent_none => anonymous.clone(),
                    (None, _) => {
                        // counted too: requests without credentials are as cheap to send
                        state.failed(ip);
                        return state.unauthorized();
                    }
                    (Some(token), _) => {
                        let verified = match tokens.verified(token).await {
                            Some(answer) => answer,
                            None => {
                                let Some(_place) = state.checking(ip, token) else {
                                    return state.too_many_at_once();
                                };
                                Attempt::new(&state, ip).verify(tokens, token).await
                            }
                        };
                        match verified {
                            Ok(p) => Arc::new(p),
                            Err(AuthError::Invalid) => {
                                state.failed(ip);
                                return state.unauthorized();
                            }
                            Err(AuthError::Unavailable(e)) => {
                                tracing::error!(error = %e, "the governance store is unavailable; refusing token callers");
                                return (
                                StatusCode::SERVICE_UNAVAILABLE,
                                [(header::RETRY_AFTER, "5")],
                                r#"{"error":"temporarily_unavailable","error_description":"credentials cannot be checked right now"}"#,
                            )
                                .into_response();
                            }
                        }
                    }
                }
            }
        }
    };
    req.extensions_mut().insert(principal.clone());
    let mut response = next.run(req).await;
    // For the audit record of a refusal further in (Origin, Host).
    response.extensions_mut().insert(principal);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_auth(value: &str) -> Request {
        axum::http::Request::builder()
            .header(header::AUTHORIZATION, value)
            .body(axum::body::Body::empty())
            .expect("request")
    }

    #[test]
    fn bearer_credentials_are_read_from_the_header_only() {
        assert_eq!(bearer(&with_auth("Bearer swd_a_b")), Some("swd_a_b"));
        assert_eq!(bearer(&with_auth("bearer  swd_a_b ")), Some("swd_a_b"));
        assert_eq!(bearer(&with_auth("Basic dXNlcjpwdw==")), None);
        assert_eq!(bearer(&with_auth("Bearer ")), None);
        assert_eq!(bearer(&with_auth("Bearer")), None);
    }
}
