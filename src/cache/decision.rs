//! The decision cache: a repeated statement skips parsing and analysis.
//!
//! Input: everything [`crate::sql::govern`] reads, as a [`DecisionKey`]. Output: the decision
//! it made for that key (the governed statement, or the denial), which the caller rebinds to its
//! own parameter values. A decision depends on the parameters only through their JSON types
//! (the row-filter barrier asks whether a parameter is a number or a string), so the key holds
//! the types, not the values; it holds the attribute values, which governance binds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::sql::{GovernError, GovernedQuery, Purpose, UnboundQuery};

/// What governance read to make a decision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DecisionKey {
    pub database: String,
    /// The catalog compiled with the policy set ([`crate::db::DbSchema::generation`]).
    pub generation: u64,
    pub role: String,
    pub purpose: PurposeKey,
    pub sql: String,
    /// [`crate::sql::param_types`] of the caller's parameters.
    pub param_types: Vec<u8>,
    pub attrs: BTreeMap<String, String>,
}

impl DecisionKey {
    /// The key of one call: `sql` with `params` governed in `ctx`, for the database `database`
    /// whose catalog and policies are at `generation`.
    pub(crate) fn new(
        database: &str,
        generation: u64,
        purpose: Purpose,
        sql: &str,
        params: &[serde_json::Value],
        ctx: &crate::sql::GovernContext<'_>,
    ) -> Self {
        DecisionKey {
            database: database.to_string(),
            generation,
            role: ctx.policy.name.clone(),
            purpose: purpose.into(),
            sql: sql.to_string(),
            param_types: crate::sql::param_types(params),
            attrs: ctx.attrs.clone(),
        }
    }
}

/// [`Purpose`] as a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PurposeKey {
    Query(u64),
    Explain,
}

impl From<Purpose> for PurposeKey {
    fn from(p: Purpose) -> Self {
        match p {
            Purpose::Query { max_rows } => PurposeKey::Query(max_rows),
            Purpose::Explain => PurposeKey::Explain,
        }
    }
}

/// Kept without the caller's values: only their types are part of the key.
type Decision = Arc<Result<UnboundQuery, GovernError>>;

/// Recent decisions, bounded by size, dropped after ten idle minutes.
#[derive(Clone)]
pub(crate) struct DecisionCache {
    entries: moka::sync::Cache<DecisionKey, Decision>,
}

/// The decision cache's bound: 16 MiB of SQL text, parameter types and attribute values.
const MAX_BYTES: u64 = 16 << 20;

impl Default for DecisionCache {
    fn default() -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|k: &DecisionKey, v: &Decision| {
                let governed = v.as_ref().as_ref().map_or(64, UnboundQuery::weight);
                let key = k.sql.len()
                    + k.param_types.len()
                    + k.attrs
                        .iter()
                        .map(|(a, v)| a.len() + v.len())
                        .sum::<usize>();
                u32::try_from(256 + key + governed).unwrap_or(u32::MAX)
            })
            .time_to_idle(Duration::from_secs(600))
            .build();
        DecisionCache { entries }
    }
}

impl DecisionCache {
    /// The decision for `key`, made by `govern` when it is not cached, then rebound to
    /// `params` (the values of this call).
    pub(crate) fn decide(
        &self,
        key: DecisionKey,
        params: &[serde_json::Value],
        govern: impl FnOnce() -> Result<GovernedQuery, GovernError>,
    ) -> Result<GovernedQuery, GovernError> {
        if let Some(hit) = self.entries.get(&key) {
            match hit.as_ref() {
                Ok(q) => {
                    if let Some(q) = q.bind(params) {
                        return Ok(q);
                    }
                }
                Err(e) => return Err(e.clone()),
            }
        }
        let decision = govern();
        let kept = decision
            .as_ref()
            .map(GovernedQuery::unbound)
            .map_err(Clone::clone);
        self.entries.insert(key, Arc::new(kept));
        decision
    }
}
