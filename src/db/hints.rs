//! The value-hint cache: distinct values of low-cardinality columns, as one role with one set
//! of attributes sees them, kept with the catalog they were computed against.
//!
//! Input: values computed through governance by the schema tools (`mcp::value_hints`). Output:
//! the same values for the next caller with the same role and attributes. Bounded in entries
//! and age; never shared across roles or attributes, since a row filter makes them differ.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::sql::QualifiedName;

/// Entries kept per database (one per role, attributes and table).
const MAX_ENTRIES: u64 = 4_096;
/// How long values stay cached: data changes without the catalog changing.
const TIME_TO_LIVE: Duration = Duration::from_secs(600);

/// Whose view of which table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HintKey {
    pub role: String,
    pub attrs: BTreeMap<String, String>,
    pub table: QualifiedName,
}

/// Column name -> its distinct values (sorted), for the columns that qualified.
pub type ColumnValues = Arc<Vec<(String, Vec<String>)>>;

/// A bounded cache of value hints; clones share entries.
#[derive(Clone)]
pub struct HintCache(moka::sync::Cache<HintKey, ColumnValues>);

impl Default for HintCache {
    fn default() -> Self {
        HintCache(
            moka::sync::Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(TIME_TO_LIVE)
                .build(),
        )
    }
}

impl std::fmt::Debug for HintCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HintCache")
            .field("entries", &self.0.entry_count())
            .finish()
    }
}

impl HintCache {
    pub fn get(&self, key: &HintKey) -> Option<ColumnValues> {
        self.0.get(key)
    }

    pub fn insert(&self, key: HintKey, values: ColumnValues) {
        self.0.insert(key, values);
    }
}
