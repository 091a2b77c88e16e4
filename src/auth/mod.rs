//! Identity: who is calling. A [`Principal`] (name, role, attributes) belongs to the request:
//! the HTTP layer authenticates each request and puts one in its extensions; stdio fixes one at
//! start (`--role/--attr`, or a token in `SQLWARDEN_TOKEN`). Every tool reads it from its request
//! context, never from the server handler.
//!
//! Must never log, echo or store a token or secret.

pub mod token;

use std::collections::BTreeMap;

/// The caller: a name, a role and attributes (row filters read the attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: String,
    pub attrs: BTreeMap<String, String>,
}

impl Principal {
    pub fn new(name: impl Into<String>, role: impl Into<String>) -> Self {
        Principal {
            name: name.into(),
            role: role.into(),
            attrs: BTreeMap::new(),
        }
    }

    pub fn with_attr(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.attrs.insert(k.into(), v.into());
        self
    }
}
