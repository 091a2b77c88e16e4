//! `sqlwarden policy check [DIR]` (roles, `templates/`, `prompts/`) and `sqlwarden policy explain --role R "SQL"`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use sqlwarden::config::Config;
use sqlwarden::mcp::Bundle;
use sqlwarden::sql::{GovernContext, GovernError, Purpose};

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate policy, template and prompt files; with a reachable database, also check tables,
    /// columns, row filters and every template (for each role that may run it) against it.
    Check(CheckArgs),
    /// Show what a statement becomes for a role: the decision, and the SQL that would run.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Policy directory (default: the config's [policies] dir, else ./policies).
    pub(crate) dir: Option<PathBuf>,
    /// Only check the files, not against the database.
    #[arg(long)]
    pub(crate) offline: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Role to explain for.
    #[arg(long)]
    pub(crate) role: String,
    /// Principal attribute k=v (repeatable).
    #[arg(long = "attr", value_parser = super::parse_attr)]
    pub(crate) attrs: Vec<(String, String)>,
    /// Database name (default: the first configured).
    #[arg(long)]
    pub(crate) database: Option<String>,
    /// Use the demo database and demo policies.
    #[arg(long)]
    pub(crate) demo: bool,
    /// The SQL statement.
    pub(crate) sql: String,
}

pub(crate) async fn run(config_path: Option<&Path>, cmd: PolicyCommand) -> anyhow::Result<()> {
    match cmd {
        PolicyCommand::Check(args) => check(config_path, args).await,
        PolicyCommand::Explain(args) => explain(config_path, args).await,
    }
}

fn say(s: &str) {
    #[allow(clippy::print_stdout)]
    {
        println!("{s}");
    }
}

async fn check(config_path: Option<&Path>, args: CheckArgs) -> anyhow::Result<()> {
    let config = Config::load(config_path).ok();
    let dir = args
        .dir
        .clone()
        .or_else(|| config.as_ref().and_then(|c| c.policies_dir.clone()))
        .unwrap_or_else(|| PathBuf::from("policies"));
    let limits = config.as_ref().map(|c| c.limits).unwrap_or_default();
    let bundle = Bundle::load_dir(&dir, limits).map_err(|e| anyhow::anyhow!("{e}"))?;
    let names: Vec<&str> = bundle.policies.roles.keys().map(String::as_str).collect();
    let extras = format!(
        "; {} template(s), {} prompt file(s)",
        bundle.templates.templates.len(),
        bundle.prompts.prompts.len()
    );
    match (&config, args.offline) {
        (Some(config), false) => {
            let mut config = config.clone();
            config.policies_dir = Some(dir.clone());
            super::serve::connect(
                &config,
                bundle.clone(),
                None,
                &[],
                sqlwarden::audit::Auditor::log_only(),
            )
            .await?;
            say(&format!(
                "ok: {} role(s) in {} ({}){extras}, checked against the database",
                names.len(),
                dir.display(),
                names.join(", ")
            ));
        }
        _ => say(&format!(
            "ok: {} role(s) in {} ({}){extras}; files only (give --config or DATABASE_URL to check tables and columns)",
            names.len(),
            dir.display(),
            names.join(", ")
        )),
    }
    Ok(())
}

async fn explain(config_path: Option<&Path>, args: ExplainArgs) -> anyhow::Result<()> {
    let (config, bundle): (Config, Bundle) = if args.demo {
        let path = super::demo::ensure_demo_db(None, false).await?;
        let mut env = std::collections::BTreeMap::new();
        env.insert(
            "DATABASE_URL".to_string(),
            format!("sqlite://{}", path.display()),
        );
        let config = Config::from_parts(None, "<demo>", &env)?;
        let bundle = super::demo::demo_bundle(config.limits)?;
        (config, bundle)
    } else {
        let config = Config::load(config_path)?;
        let (bundle, _) = super::serve::load_bundle(&config)?;
        (config, bundle)
    };
    let state = super::serve::connect(
        &config,
        bundle,
        None,
        &[args.role.as_str()],
        sqlwarden::audit::Auditor::log_only(),
    )
    .await?;
    let db = match &args.database {
        None => state.databases.first().cloned(),
        Some(n) => state.databases.iter().find(|d| &d.name == n).cloned(),
    }
    .context("no such database")?;
    db.ensure_catalog()
        .await
        .context("reading the database catalog")?;
    let schema = db.schema.load();
    let role = schema
        .role(&args.role)
        .cloned()
        .with_context(|| format!("role {} did not compile for {}", args.role, db.name))?;
    let attrs = args.attrs.iter().cloned().collect();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &schema.catalog,
        policy: &role,
        attrs: &attrs,
        max_sql_len: state.max_sql_length,
    };
    let outcome = sqlwarden::sql::govern(
        &args.sql,
        &[],
        Purpose::Query {
            max_rows: role.limits.max_rows,
        },
        &ctx,
    );
    let attr_text: Vec<String> = args.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    say(&format!(
        "role:     {}{}",
        args.role,
        if attr_text.is_empty() {
            String::new()
        } else {
            format!(" ({})", attr_text.join(", "))
        }
    ));
    say(&format!("database: {} ({})", db.name, db.dialect.name()));
    match outcome {
        Ok(q) => {
            say("decision: allow");
            say("sql:");
            for line in sqlwarden::sql::pretty(q.sql(), db.dialect).lines() {
                say(&format!("  {line}"));
            }
            if !q.params().is_empty() {
                say("params:");
                for (i, p) in q.params().iter().enumerate() {
                    let mark = db.dialect.placeholder_prefix();
                    say(&format!("  {mark}{} = {p}", i + 1));
                }
            }
            Ok(())
        }
        Err(GovernError::Denied(d)) => {
            say(&format!("decision: deny ({})", d.rule));
            say(&format!("reason:   {}", d.message));
            let _ = Arc::clone(&state);
            bail!("denied")
        }
        Err(GovernError::Parse(m)) => {
            say("decision: deny (parse_error)");
            say(&format!("reason:   {m}"));
            bail!("denied")
        }
    }
}
