//! The hash chain: each record's hash covers its fields and the previous record's hash, so
//! changing, removing, adding or reordering any record breaks every link after it. With
//! `SQLWARDEN_AUDIT_KEY` set the hashes are keyed (BLAKE3 keyed mode, a MAC): whoever can write
//! the store but not read the key cannot rebuild the chain after an edit.
//!
//! The head row (last record, and where `audit prune` cut the chain) carries a MAC too, so
//! records cut from the end are found when the trail is keyed.

use super::AuditRecord;
use crate::store::{Store, StoreError};

/// `prev_hash` of the first record ever written.
pub const GENESIS: &str = "genesis";

/// The environment variable holding the chain key.
pub const KEY_ENV: &str = "SQLWARDEN_AUDIT_KEY";

/// Domain separation: hashes of this chain format, version 1.
const CONTEXT: &[u8] = b"sqlwarden audit chain v1\n";

/// Hashes records and the head, keyed or not.
#[derive(Clone)]
pub struct Chain {
    key: Option<[u8; 32]>,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.key.is_some() {
            "Chain(keyed)"
        } else {
            "Chain(plain)"
        })
    }
}

impl Chain {
    /// Keyed by any secret text (at least 16 bytes are recommended); `None`: plain hashes.
    pub fn new(secret: Option<&[u8]>) -> Chain {
        Chain {
            key: secret.map(|s| blake3::derive_key("sqlwarden audit chain key v1", s)),
        }
    }

    /// Keyed by `SQLWARDEN_AUDIT_KEY` when it is set and not empty.
    pub fn from_env() -> Chain {
        let secret = std::env::var_os(KEY_ENV).filter(|v| !v.is_empty());
        Chain::new(secret.as_ref().map(|v| v.as_encoded_bytes()))
    }

    pub fn keyed(&self) -> bool {
        self.key.is_some()
    }

    fn digest(&self, parts: &[&[u8]]) -> String {
        let mut h = match &self.key {
            Some(k) => blake3::Hasher::new_keyed(k),
            None => blake3::Hasher::new(),
        };
        h.update(CONTEXT);
        for p in parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p);
        }
        let prefix = if self.key.is_some() { "k3:" } else { "b3:" };
        format!("{prefix}{}", h.finalize().to_hex())
    }

    /// The hash of `r` (every field but `hash`, including `seq` and `prev_hash`).
    pub fn record_hash(&self, r: &AuditRecord) -> String {
        // Serializing a struct of strings, integers and booleans cannot fail; an empty body
        // would still be caught by verify, as the hash would not match.
        let body = serde_json::to_vec(r).unwrap_or_default();
        self.digest(&[b"record", &body])
    }

    /// The MAC of the head row's values.
    pub fn head_mac(&self, seq: i64, hash: &str, pruned_seq: i64, pruned_hash: &str) -> String {
        self.digest(&[
            b"head",
            &seq.to_le_bytes(),
            hash.as_bytes(),
            &pruned_seq.to_le_bytes(),
            pruned_hash.as_bytes(),
        ])
    }

    /// Why a stored hash cannot be checked with this chain's key, if it cannot.
    fn key_mismatch(&self, stored: &str) -> Option<&'static str> {
        match (self.key.is_some(), stored.get(..3)) {
            (false, Some("k3:")) => {
                Some("it was written with an audit key: set SQLWARDEN_AUDIT_KEY to verify it")
            }
            (true, Some("b3:")) => {
                Some("it was written without the audit key, so anyone could have rebuilt it")
            }
            _ => None,
        }
    }
}

/// A failed verification.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The first record (by sequence number) that does not check out, and why.
    #[error("audit record {seq}: {problem}")]
    Broken { seq: i64, problem: String },
}

/// What a successful verification checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub records: u64,
    /// Records before this sequence number were pruned (0: none).
    pub first_seq: i64,
    pub last_seq: i64,
    pub keyed: bool,
}

/// Check the whole trail: every record's hash, every link, no gap in the sequence, and the head.
pub async fn verify(store: &Store, chain: &Chain) -> Result<Verified, ChainError> {
    const PAGE: i64 = 2_000;
    let head = store.audit_head().await?;
    let broken = |seq: i64, problem: &str| ChainError::Broken {
        seq,
        problem: problem.to_string(),
    };
    let mut expected = head.pruned_seq + 1;
    let mut prev = head.pruned_hash.clone();
    let mut count = 0u64;
    loop {
        let page = store.audit_page(expected - 1, PAGE).await?;
        let done = (page.len() as i64) < PAGE;
        for r in page {
            if r.seq != expected {
                return Err(broken(
                    expected,
                    &format!(
                        "is missing (the next record is {}): records were deleted",
                        r.seq
                    ),
                ));
            }
            if let Some(why) = chain.key_mismatch(&r.hash) {
                return Err(broken(r.seq, why));
            }
            if r.prev_hash != prev {
                return Err(broken(
                    r.seq,
                    "does not link to the record before it: a record was deleted, inserted or reordered",
                ));
            }
            if chain.record_hash(&r) != r.hash {
                return Err(broken(
                    r.seq,
                    "its contents do not match its hash: it was edited",
                ));
            }
            prev = r.hash;
            expected += 1;
            count += 1;
        }
        if done {
            break;
        }
    }
    let last = expected - 1;
    if head.seq != last || head.hash != prev {
        return Err(broken(
            head.seq.max(last),
            &format!(
                "the trail ends at record {last} but its head names record {}: records were removed from the end or the head was edited",
                head.seq
            ),
        ));
    }
    if !(head.seq == 0 && head.mac.is_empty()) {
        if let Some(why) = chain.key_mismatch(&head.mac) {
            return Err(broken(
                head.seq,
                &format!("the chain head cannot be checked: {why}"),
            ));
        }
        if chain.head_mac(head.seq, &head.hash, head.pruned_seq, &head.pruned_hash) != head.mac {
            return Err(broken(head.seq, "the chain head was edited"));
        }
    }
    Ok(Verified {
        records: count,
        first_seq: head.pruned_seq + 1,
        last_seq: last,
        keyed: chain.keyed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Decision;

    #[test]
    fn hashes_cover_every_field_and_depend_on_the_key() {
        let plain = Chain::new(None);
        let keyed = Chain::new(Some(b"a key of some length"));
        let mut r = AuditRecord::new("r1", "http", "tools/call", Decision::Allow);
        r.seq = 1;
        r.prev_hash = GENESIS.into();
        let h = plain.record_hash(&r);
        assert!(h.starts_with("b3:"));
        assert!(keyed.record_hash(&r).starts_with("k3:"));
        assert_ne!(
            keyed.record_hash(&r),
            Chain::new(Some(b"another key")).record_hash(&r)
        );
        // The stored hash itself is not covered; every other field is.
        r.hash = "anything".into();
        assert_eq!(plain.record_hash(&r), h);
        let mut edited = r.clone();
        edited.rows = Some(1);
        assert_ne!(plain.record_hash(&edited), h);
        let mut moved = r.clone();
        moved.seq = 2;
        assert_ne!(plain.record_hash(&moved), h);
    }
}
