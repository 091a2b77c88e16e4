//! sqlwarden: a database-access MCP server with governance built in.
//!
//! One request flows one way, each stage a module with one job:
//!
//! ```text
//! transport (stdio | Streamable HTTP)                         mcp/, http/
//!   -> identity (Principal per request)                       auth/, http/
//!   -> abuse control (rate, concurrency, breaker)              limits/
//!   -> MCP handler (query, list_tables, describe_table, explain_query)   mcp/
//!   -> governance: parse -> analyze + authorize -> rewrite    sql/ (decisions cached: cache/)
//!   -> result cache (roles with a cache_ttl; single flight)    cache/
//!   -> execute (deadpool over sqlx, read-only, timeout, cancel)  db/
//!   -> shape (row cap, byte budget, compact text + structured)   shape/
//!   -> audit (one chained record per request, HTTP refusals too)  audit/, mcp/call.rs
//! ```
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
pub mod limits;
pub mod mcp;
pub mod policy;
pub mod shape;
pub mod sql;
pub mod store;
pub mod telemetry;
