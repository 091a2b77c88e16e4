//! Who sent a request and how: what a request record needs before anything is known about the
//! call. [`Request`] is what a handler knows of the request it serves (rmcp's request context,
//! the direct HTTP path's own view, or a stdio line refused before rmcp read it); [`Caller`] is
//! taken from it once a record is to be written, and marks the request as recorded for the
//! HTTP layer ([`Recorded`]).

use std::sync::Arc;
use std::time::Instant;

use rmcp::RoleServer;
use rmcp::service::RequestContext;

use super::Sqlwarden;
use crate::auth::Principal;

/// What a handler knows about the request it serves: rmcp's request context, or the direct
/// HTTP path's own ([`crate::http`] answers plain `query` calls without rmcp's per-request
/// service).
pub(crate) trait Request {
    /// The principal the HTTP layer put in the request, if any.
    fn principal(&self) -> Option<Arc<Principal>>;
    /// The transport, and the client address (HTTP).
    fn origin(&self) -> (&'static str, Option<String>);
    /// Tell the dispatcher that the tool ran (and records the call itself).
    fn mark_ran(&self) {}
    /// Tell the HTTP layer that this request has its record (see [`Recorded`]).
    fn mark_recorded(&self) {}
}

/// A stdio request refused before rmcp could read it: the session's principal, no address.
pub(crate) struct StdioRequest;

impl Request for StdioRequest {
    fn principal(&self) -> Option<Arc<Principal>> {
        None
    }

    fn origin(&self) -> (&'static str, Option<String>) {
        ("stdio", None)
    }
}

impl Request for RequestContext<RoleServer> {
    fn principal(&self) -> Option<Arc<Principal>> {
        self.extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Arc<Principal>>())
            .cloned()
    }

    fn origin(&self) -> (&'static str, Option<String>) {
        match self.extensions.get::<axum::http::request::Parts>() {
            Some(parts) => ("http", client_of(&parts.extensions)),
            None => ("stdio", None),
        }
    }

    fn mark_ran(&self) {
        if let Some(ran) = self.extensions.get::<ToolRan>() {
            ran.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn mark_recorded(&self) {
        if let Some(recorded) = self
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Recorded>())
        {
            recorded.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The client address an HTTP request came from.
pub(crate) fn client_of(extensions: &axum::http::Extensions) -> Option<String> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The caller of this request: the principal the HTTP layer put in the request, else the one
/// fixed for a stdio session.
pub(crate) fn principal_of(server: &Sqlwarden, ctx: &impl Request) -> Option<Arc<Principal>> {
    ctx.principal().or_else(|| server.fixed_principal.clone())
}

/// Put in a `tools/call`'s request context by the dispatcher; a tool that opens its record sets
/// it, so the dispatcher knows whether the tool ran (and recorded the call) or was refused before.
#[derive(Debug, Clone, Default)]
pub(crate) struct ToolRan(pub(crate) Arc<std::sync::atomic::AtomicBool>);

/// Put in an HTTP request's extensions before it goes to rmcp: set once a handler opens the
/// request's record, so a request refused without one (by rmcp's own checks) is recorded by
/// the HTTP layer instead, and no request gets two.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorded(pub(crate) Arc<std::sync::atomic::AtomicBool>);

/// Who sent a request, how, and since when: what a record needs before anything is known about
/// the call. Cheap (an `Arc` clone and the client address).
pub(crate) struct Caller {
    pub(super) principal: Option<Arc<Principal>>,
    pub(super) transport: &'static str,
    pub(super) client: Option<String>,
    pub(super) started: Instant,
}

impl Caller {
    /// The caller of a request whose record is then written (by its tool, or as refused).
    pub(crate) fn of(server: &Sqlwarden, ctx: &impl Request) -> Caller {
        ctx.mark_recorded();
        let (transport, client) = ctx.origin();
        Caller {
            principal: principal_of(server, ctx),
            transport,
            client,
            started: Instant::now(),
        }
    }
}
