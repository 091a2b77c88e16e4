//! Command line: one file per subcommand. anyhow lives here and in main.rs only.

mod audit;
mod demo;
mod healthcheck;
mod migrate;
mod policy;
mod reload;
mod serve;
mod token;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sqlwarden",
    version,
    about = "Governed read-only database access for LLMs over MCP"
)]
pub(crate) struct Cli {
    /// Configuration file (TOML).
    #[arg(long, global = true, env = "SQLWARDEN_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Log lines on stderr as text or JSON (one object per line, for log shippers).
    #[arg(
        long,
        global = true,
        env = "SQLWARDEN_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub(crate) log_format: sqlwarden::telemetry::LogFormat,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Serve MCP over stdio (default) or Streamable HTTP.
    Serve(serve::ServeArgs),
    /// Run the embedded demo: a SQLite company database, served over HTTP (or stdio).
    Demo(demo::DemoArgs),
    /// Check role policies, or explain what a statement becomes for a role.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Issue, list, rotate and revoke bearer tokens (in the governance store).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Read and check the audit trail (tail, export, verify, prune).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Apply the governance store's migrations and print its schema version.
    Migrate,
    /// Exit 0 if a health URL answers 2xx (the container image's HEALTHCHECK).
    Healthcheck(healthcheck::HealthcheckArgs),
}

pub(crate) async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(cli.config.as_deref(), args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Policy(cmd) => policy::run(cli.config.as_deref(), cmd).await,
        Command::Token(cmd) => token::run(cli.config.as_deref(), cmd).await,
        Command::Audit(cmd) => audit::run(cli.config.as_deref(), cmd).await,
        Command::Migrate => migrate::run(cli.config.as_deref()).await,
        Command::Healthcheck(args) => healthcheck::run(args).await,
    }
}

/// Parse `k=v`.
pub(crate) fn parse_attr(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not key=value")),
    }
}
