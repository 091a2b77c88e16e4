//! `sqlwarden healthcheck [URL]`: GET a health URL and exit 0 on a 2xx answer, 1 otherwise.
//! The container image has no shell or curl; its `HEALTHCHECK` runs this.

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct HealthcheckArgs {
    /// The URL to check (`/healthz`: the process answers; `/readyz`: it can serve).
    #[arg(default_value = "http://127.0.0.1:8080/healthz")]
    pub(crate) url: String,
    /// Give up after this long (e.g. 3s).
    #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
    pub(crate) timeout: Duration,
}

pub(crate) async fn run(args: HealthcheckArgs) -> anyhow::Result<()> {
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        bail!(
            "{}: only http:// and https:// URLs can be checked",
            args.url
        );
    }
    let client = reqwest::Client::builder()
        .timeout(args.timeout)
        .build()
        .context("HTTP client")?;
    let reply = client
        .get(&args.url)
        .send()
        .await
        .with_context(|| format!("{} did not answer", args.url))?;
    let status = reply.status();
    if !status.is_success() {
        bail!("{} answered {status}", args.url);
    }
    Ok(())
}
