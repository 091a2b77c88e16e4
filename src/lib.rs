//! sqlwarden: a database-access MCP server with governance built in.
//!
//! One request flows one way, each stage a module with one job:
//!
//! ```text
//! transport (stdio | Streamable HTTP)                         mcp/, http/
//!   -> identity (Principal per request)                       auth/, http/
//!   -> abuse control (rate, concurrency, breaker)              limits/
//!   -> MCP handler (query, schema tools, DBA templates, prompts, resources)   mcp/
//!   -> governance: parse -> analyze + authorize -> rewrite    sql/ (decisions cached: cache/)
//!   -> result cache (roles with a cache_ttl; single flight)    cache/
//!   -> execute (deadpool over sqlx, read-only, timeout, cancel)  db/
//!   -> shape (row cap, byte budget, compact text + structured)   shape/
//!   -> audit (one chained record per request, HTTP refusals too)  audit/, mcp/call.rs
//! ```
//!
//! What the DBA's files decide (role policies `policy/`, query templates `templates/`, prompt
//! files `prompts/`) is loaded and checked as one set and swapped whole on reload
//! (`mcp::registry`).
//!
//! The governance store (tokens, the audit trail) is `store/`, read through `auth::token` and
//! `audit`.
//!
//! `sql::GovernedQuery` has no public constructor: only `sql::govern` makes one, and
//! `db::execute` takes nothing else.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod audit;
pub mod auth;
pub(crate) mod cache;
pub mod config;
pub mod db;
pub mod diag;
pub mod dialect;
pub mod http;
pub mod lifecycle;
pub mod limits;
pub mod mcp;
pub mod policy;
pub mod prompts;
pub mod shape;
pub mod sql;
pub mod store;
pub mod telemetry;
pub mod templates;

/// What `benches/governance.rs` measures beyond [`sql::govern`]: a repeated statement's path
/// through the decision cache. Not an API.
#[doc(hidden)]
pub mod bench {
    use crate::sql::{GovernContext, GovernError, GovernedQuery, Purpose};

    /// A decision cache of its own.
    #[derive(Default)]
    pub struct Decisions(crate::cache::DecisionCache);

    impl Decisions {
        /// `sql` governed as a call governs it: from the cache when it decided this before.
        pub fn govern(
            &self,
            sql: &str,
            params: &[serde_json::Value],
            purpose: Purpose,
            ctx: &GovernContext<'_>,
        ) -> Result<GovernedQuery, GovernError> {
            let key = crate::cache::DecisionKey::new("main", 0, purpose, sql, params, ctx);
            self.0.decide(key, params, || {
                crate::sql::govern(sql, params, purpose, ctx)
            })
        }
    }
}
