//! `sqlwarden migrate`: apply the governance store's migrations and print its version.

use std::path::Path;

#[allow(clippy::print_stdout)]
pub(crate) async fn run(config_path: Option<&Path>) -> anyhow::Result<()> {
    // Opening applies pending migrations (and refuses a store from a newer sqlwarden).
    let store = super::token::open_store(config_path).await?;
    store.migrate().await?;
    println!(
        "governance store at {}: schema version {} (this sqlwarden knows up to {})",
        store.location(),
        store.version().await?,
        store.known_version()
    );
    Ok(())
}
