//! `sqlwarden token create|list|rotate|revoke`: issue and manage bearer tokens in the
//! governance store. The whole token is printed once, by `create` and `rotate`, and never again.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use sqlwarden::auth::token::{TokenInfo, Tokens};
use sqlwarden::config::Config;
use sqlwarden::store::Store;

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue a token; it is printed once and cannot be shown again.
    Create(CreateArgs),
    /// List tokens (never their secrets).
    List(ListArgs),
    /// Give a token a new secret (printed once); the old one works for --grace more.
    Rotate(RotateArgs),
    /// Revoke a token.
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// Role the token's caller gets.
    #[arg(long)]
    pub(crate) role: String,
    /// Who the token is for (shown in the audit trail).
    #[arg(long)]
    pub(crate) principal: String,
    /// Principal attribute k=v (repeatable); row filters read them.
    #[arg(long = "attr", value_parser = super::parse_attr)]
    pub(crate) attrs: Vec<(String, String)>,
    /// Lifetime, e.g. 30d, 12h (default: no expiry).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub(crate) expires: Option<Duration>,
    /// Print a JSON object (id, token, principal, role, attrs, expires_at).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RotateArgs {
    /// Token id (the 12 hex characters after `swd_`).
    pub(crate) id: String,
    /// How long the old secret keeps working, e.g. 1h (default 0: it stops at once).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
    pub(crate) grace: Duration,
    /// Print a JSON object (id, token, ...).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// Token id.
    pub(crate) id: String,
}

/// Open the governance store named by the config file / environment (or the default file).
pub(crate) async fn open_store(config_path: Option<&Path>) -> anyhow::Result<Store> {
    let url = match Config::load_store_url(config_path)? {
        Some(u) => u,
        None => sqlwarden::config::Secret::new(
            sqlwarden::store::default_url(&|k| std::env::var(k).ok()).context(
                "no governance store configured and no home directory\nhelp: set [store] url or SQLWARDEN_STORE_URL",
            )?,
        ),
    };
    Ok(Store::open(url.expose()).await?)
}

pub(crate) async fn run(config_path: Option<&Path>, cmd: TokenCommand) -> anyhow::Result<()> {
    let tokens = Tokens::new(open_store(config_path).await?)?;
    match cmd {
        TokenCommand::Create(a) => {
            let attrs: BTreeMap<String, String> = a.attrs.into_iter().collect();
            let (info, token) = tokens
                .create(&a.principal, &a.role, attrs, a.expires)
                .await?;
            print_issued(&info, &token, a.json, "created")
        }
        TokenCommand::List(a) => print_list(&tokens.list().await?, a.json),
        TokenCommand::Rotate(a) => {
            let (info, token) = tokens.rotate(&a.id, a.grace).await?;
            print_issued(&info, &token, a.json, "rotated")
        }
        TokenCommand::Revoke(a) => {
            if !tokens.revoke(&a.id).await? {
                bail!("no token with id {}", a.id);
            }
            eprintln!("revoked token {}", a.id);
            Ok(())
        }
    }
}

/// The one place a whole token reaches stdout.
#[allow(clippy::print_stdout)]
fn print_issued(info: &TokenInfo, token: &str, json: bool, verb: &str) -> anyhow::Result<()> {
    if json {
        let mut v = serde_json::to_value(info)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("token".into(), token.into());
        }
        println!("{v}");
    } else {
        eprintln!(
            "{verb} token {} for principal {} (role {}), expires {}; it is shown once, store it now:",
            info.id,
            info.principal,
            info.role,
            when(info.expires_at).unwrap_or_else(|| "never".into()),
        );
        println!("{token}");
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn print_list(list: &[TokenInfo], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(list)?);
        return Ok(());
    }
    println!(
        "{:<12}  {:<16}  {:<12}  {:<8}  {:<20}  {:<20}  {:<20}  ATTRS",
        "ID", "PRINCIPAL", "ROLE", "STATE", "CREATED", "EXPIRES", "LAST USED"
    );
    for t in list {
        let attrs: Vec<String> = t.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "{:<12}  {:<16}  {:<12}  {:<8}  {:<20}  {:<20}  {:<20}  {}",
            t.id,
            t.principal,
            t.role,
            t.state.to_string(),
            when(Some(t.created_at)).unwrap_or_default(),
            when(t.expires_at).unwrap_or_else(|| "never".into()),
            when(t.last_used_at).unwrap_or_else(|| "-".into()),
            attrs.join(",")
        );
    }
    Ok(())
}

fn when(t: Option<i64>) -> Option<String> {
    let secs = u64::try_from(t?).ok()?;
    Some(humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string())
}
