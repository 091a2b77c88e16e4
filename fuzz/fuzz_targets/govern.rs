//! Fuzz the governance entry point with the property in `sqlwarden::sql::fuzzing::check`:
//! `govern` never panics, and a statement it allows re-governs to exactly the same SQL.
//!
//! The input bytes are decoded with `String::from_utf8_lossy`, not skipped when invalid:
//! a byte-level mutation of mostly-ASCII SQL often produces invalid UTF-8, and skipping
//! those inputs would waste executions; lossy decoding still yields a valid `&str` (the
//! only thing the server can ever receive, since MCP arguments are JSON strings), and it is
//! exactly how tests/common/mod.rs reads tests/corpus/*.sql, so a crash file copied into
//! the corpus reproduces byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    sqlwarden::sql::fuzzing::check(&sql);
});
