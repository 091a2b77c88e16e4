//! The fuzz target's property (`sqlwarden::sql::fuzzing::check`), run over the security corpus,
//! the fuzz seeds, and every prefix-truncation of them: governance never panics, and whatever
//! it allows parses and governs again. `fuzz/` runs the same property under libFuzzer.

mod common;

use std::path::Path;

fn inputs() -> Vec<String> {
    let mut out: Vec<String> = common::load_corpus("deny")
        .into_iter()
        .chain(common::load_corpus("allow"))
        .map(|c| c.sql)
        .collect();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/govern");
    if let Ok(entries) = std::fs::read_dir(seeds) {
        for e in entries.flatten() {
            if let Ok(bytes) = std::fs::read(e.path()) {
                out.push(String::from_utf8_lossy(&bytes).to_string());
            }
        }
    }
    out
}

/// The server's worker stack (`THREAD_STACK` in `src/main.rs`): governance walks syntax trees
/// recursively, up to the 300-operator chains `parse` allows, which a debug build's frames
/// take past a test thread's 2 MiB (the corpus has such chains).
const SERVER_STACK: usize = 8 << 20;

#[test]
fn governance_never_panics_and_allowed_statements_govern_again() {
    std::thread::Builder::new()
        .stack_size(SERVER_STACK)
        .spawn(check_all)
        .expect("spawn")
        .join()
        .expect("governance never panics");
}

fn check_all() {
    for sql in inputs() {
        if sql.len() > 20_000 {
            continue;
        }
        sqlwarden::sql::fuzzing::check(&sql);
        // Truncations make half-written SQL, the fuzzer's favourite.
        let cuts: Vec<usize> = sql
            .char_indices()
            .map(|(i, _)| i)
            .filter(|i| i % 13 == 5)
            .collect();
        for cut in cuts {
            sqlwarden::sql::fuzzing::check(&sql[..cut]);
        }
    }
}
