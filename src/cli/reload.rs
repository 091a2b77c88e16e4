//! Reload triggers for `serve`: SIGHUP, and with `--watch` a change to any policy, template or
//! prompt file. The reload itself (load, check against the databases, swap whole or keep the
//! old set) is `mcp::registry::reload`; this file only decides when, and logs the outcome.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sqlwarden::mcp::AppState;

/// Start the reload triggers (SIGHUP always; file polling when `watch`).
pub(crate) fn spawn(state: &Arc<AppState>, dir: Option<&Path>, watch: bool) {
    #[cfg(unix)]
    {
        let state = state.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let Ok(mut hangups) = signal(SignalKind::hangup()) else {
                tracing::warn!("cannot listen for SIGHUP; reload needs a restart");
                return;
            };
            while hangups.recv().await.is_some() {
                reload(&state, "SIGHUP").await;
            }
        });
    }
    if let (true, Some(dir)) = (watch, dir) {
        let state = state.clone();
        let dir = dir.to_path_buf();
        tokio::spawn(async move {
            let mut seen = stamp(&dir);
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let now = stamp(&dir);
                if now != seen {
                    seen = now;
                    reload(&state, "file change").await;
                }
            }
        });
    }
}

async fn reload(state: &AppState, why: &str) {
    match sqlwarden::mcp::registry::reload(state).await {
        Ok(generation) => {
            tracing::info!(
                generation,
                trigger = why,
                "policies, templates and prompts reloaded"
            );
        }
        Err(e) => tracing::error!(
            trigger = why,
            "reload refused; the previous policies, templates and prompts stay in force:\n{e}"
        ),
    }
}

/// Names, sizes and modification times of the `*.toml` files a reload reads.
fn stamp(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    for d in [
        dir.to_path_buf(),
        dir.join("templates"),
        dir.join("prompts"),
    ] {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "toml")
                && let Ok(m) = e.metadata()
            {
                out.push((path, m.len(), m.modified().ok()));
            }
        }
    }
    out.sort();
    out
}
