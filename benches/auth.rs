//! Token verification cost: a cold verify (store lookup + one argon2id verification, OWASP
//! parameters) and a warm one (served from the 10 s verification cache).
//! Run: `cargo bench --bench auth`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use sqlwarden::auth::token::Tokens;
use sqlwarden::store::Store;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = rt.block_on(Store::open(&url)).expect("store opens");
    let tokens = Tokens::new(store.clone()).expect("tokens");
    let (_, token) = rt
        .block_on(tokens.create("bench", "analyst", BTreeMap::new(), None))
        .expect("token created");

    let mut group = c.benchmark_group("token_verify");
    group.sample_size(20);
    group.bench_function("cold_argon2", |b| {
        b.iter_batched(
            || Tokens::new(store.clone()).expect("tokens"),
            |fresh| {
                rt.block_on(fresh.verify(black_box(&token)))
                    .expect("verifies")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    rt.block_on(tokens.verify(&token)).expect("verifies");
    c.bench_function("token_verify/warm_cached", |b| {
        b.iter(|| {
            rt.block_on(tokens.verify(black_box(&token)))
                .expect("verifies")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
