//! `[cache]`: the result cache shared by every role (each role's `cache_ttl` turns it on).

use serde::Deserialize;

/// `[cache] max_bytes` when not set: 64 MiB.
const DEFAULT_CACHE_BYTES: u64 = 64 << 20;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCache {
    max_bytes: Option<u64>,
}

impl RawCache {
    /// The result cache's size bound (0: no result cache).
    pub(super) fn max_bytes(&self) -> u64 {
        self.max_bytes.unwrap_or(DEFAULT_CACHE_BYTES)
    }
}
