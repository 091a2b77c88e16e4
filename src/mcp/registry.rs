//! What the DBA's files decide, held as one value that a reload replaces as a whole: role
//! policies, query templates, prompts (and the rate limits built from the policies).
//!
//! Input: a policy directory (`*.toml` roles, `templates/*.toml`, `prompts/*.toml`) or texts.
//! Output: a [`Registry`] behind a [`RegistryCell`]. One validator ([`check`]) serves start-up,
//! reload and `policy check`: roles compiled against each reachable database, rules that name
//! no table, row filters planned by the database, and each template governed (and planned) for
//! every role that may run it. A reload that fails keeps the old registry and says why; a good
//! one swaps the registry (and each database's compiled roles) and bumps the generation, which
//! stdio sessions watch to send `list_changed` notifications.

use std::path::PathBuf;
use std::sync::Arc;

use crate::db::{Database, DbSchema, ExecLimits};
use crate::limits::Limiter;
use crate::policy::{Limits, PolicyErrors, PolicySet};
use crate::prompts::PromptSet;
use crate::sql::{GovernContext, Purpose};
use crate::templates::{ParamKind, Template, TemplateSet};

/// Policies, templates and prompts, loaded and checked together.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    pub policies: PolicySet,
    pub templates: TemplateSet,
    pub prompts: PromptSet,
}

impl Bundle {
    /// Only policies (no templates, no prompt files).
    pub fn of(policies: PolicySet) -> Bundle {
        Bundle {
            policies,
            ..Default::default()
        }
    }

    /// `dir/*.toml` (roles), `dir/templates/*.toml`, `dir/prompts/*.toml`.
    pub fn load_dir(dir: &std::path::Path, defaults: Limits) -> Result<Bundle, PolicyErrors> {
        let policies = crate::policy::load_dir(dir, defaults)?;
        let templates = crate::templates::load_dir(&dir.join("templates"), &policies);
        let prompts = crate::prompts::load_dir(&dir.join("prompts"), &policies);
        match (templates, prompts) {
            (Ok(templates), Ok(prompts)) => Ok(Bundle {
                policies,
                templates,
                prompts,
            }),
            (t, p) => {
                let mut errors = t.err().map(|e| e.0).unwrap_or_default();
                errors.extend(p.err().map(|e| e.0).unwrap_or_default());
                Err(PolicyErrors(errors))
            }
        }
    }
}

/// The current files' content, as every request sees it.
pub struct Registry {
    pub policies: Arc<PolicySet>,
    pub templates: Arc<TemplateSet>,
    pub prompts: Arc<PromptSet>,
    pub(crate) limiter: Arc<Limiter>,
    /// 1 at start, +1 per successful reload.
    pub generation: u64,
}

/// Where a reload reads from.
#[derive(Debug, Clone)]
pub struct Source {
    pub dir: PathBuf,
    pub defaults: Limits,
}

/// The current [`Registry`], swapped whole on reload.
pub struct RegistryCell {
    current: std::sync::RwLock<Arc<Registry>>,
    changed: tokio::sync::watch::Sender<u64>,
    source: Option<Source>,
    reloading: tokio::sync::Mutex<()>,
}

impl RegistryCell {
    pub fn new(bundle: Bundle, source: Option<Source>) -> RegistryCell {
        let (changed, _) = tokio::sync::watch::channel(1);
        RegistryCell {
            current: std::sync::RwLock::new(Arc::new(registry(bundle, 1))),
            changed,
            source,
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    pub fn load(&self) -> Arc<Registry> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Told the new generation after each successful reload.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn store(&self, r: Registry) {
        let generation = r.generation;
        match self.current.write() {
            Ok(mut g) => *g = Arc::new(r),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(r),
        }
        self.changed.send_replace(generation);
    }
}

fn registry(bundle: Bundle, generation: u64) -> Registry {
    Registry {
        limiter: Arc::new(Limiter::new(&bundle.policies)),
        policies: Arc::new(bundle.policies),
        templates: Arc::new(bundle.templates),
        prompts: Arc::new(bundle.prompts),
        generation,
    }
}

/// Re-read the policy directory, check it like start-up does, and swap it in; on any error
/// keep what runs and return every problem. Returns the new generation.
pub async fn reload(state: &super::AppState) -> Result<u64, String> {
    let cell = &state.registry;
    let _one_at_a_time = cell.reloading.lock().await;
    let Some(source) = &cell.source else {
        return Err("no policy directory is configured: nothing to reload".into());
    };
    let bundle = Bundle::load_dir(&source.dir, source.defaults).map_err(|e| e.to_string())?;
    let errors = check(&state.databases, &bundle, state.max_sql_length).await;
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let policies = Arc::new(bundle.policies.clone());
    for db in &state.databases {
        // Checked above against the same catalog; a catalog changed in between can still fail.
        db.replace_policies(policies.clone()).map_err(|e| {
            let e: Vec<String> = e.iter().map(|d| d.to_string()).collect();
            format!("database {}: {}", db.name, e.join("\n"))
        })?;
    }
    let generation = cell.load().generation + 1;
    cell.store(registry(bundle, generation));
    Ok(generation)
}

/// Every problem of `bundle` against the reachable databases (empty: good to serve). A
/// database whose catalog was never read is skipped (it is checked when it comes back).
pub async fn check(databases: &[Arc<Database>], bundle: &Bundle, max_sql: usize) -> Vec<String> {
    let mut errors = Vec::new();
    let mut unmatched: Vec<Vec<(String, crate::diag::Diagnostic)>> = Vec::new();
    let mut trials = Vec::new();
    for db in databases {
        let schema = db.trial(&bundle.policies);
        if schema.catalog.is_empty() {
            continue;
        }
        errors.extend(schema.errors.iter().map(|e| e.to_string()));
        unmatched.push(schema.unmatched.clone());
        trials.push((db.clone(), schema));
    }
    // A rule naming a table that no reachable database has is a mistake (a typo, usually).
    if let Some((first, rest)) = unmatched.split_first() {
        for (key, diag) in first {
            if rest.iter().all(|u| u.iter().any(|(k, _)| k == key)) {
                errors.push(diag.to_string());
            }
        }
    }
    for (db, schema) in &trials {
        errors.extend(dry_run_filters(db, schema).await);
    }
    for t in &bundle.templates.templates {
        let target = match &t.database {
            None => databases.first(),
            Some(n) => databases.iter().find(|d| &d.name == n),
        };
        let Some(db) = target else {
            errors.push(
                t.origin
                    .diagnostic(format!(
                        "template {} names database {} which is not configured",
                        t.name,
                        t.database.as_deref().unwrap_or("(default)")
                    ))
                    .to_string(),
            );
            continue;
        };
        if let Some((_, schema)) = trials.iter().find(|(d, _)| Arc::ptr_eq(d, db)) {
            errors.extend(check_template(db, schema, t, max_sql).await);
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

/// Govern the template for each of its roles (with sample arguments), then let the database
/// plan it (EXPLAIN, never run), so types and names are checked before anyone calls it.
async fn check_template(
    db: &Database,
    schema: &DbSchema,
    t: &Template,
    max_sql: usize,
) -> Vec<String> {
    let numbered = match t.numbered(db.dialect) {
        Ok(n) => n,
        Err(e) => return vec![t.sql_origin.diagnostic(e.offset, e.message).to_string()],
    };
    let params: Vec<serde_json::Value> = numbered
        .names
        .iter()
        .map(|n| {
            t.params
                .iter()
                .find(|p| &p.name == n)
                .map(sample)
                .unwrap_or_default()
        })
        .collect();
    let mut errors = Vec::new();
    for role_name in &t.roles {
        let Some(role) = schema.role(role_name) else {
            continue; // its policy did not compile: reported with the policies
        };
        let attrs = role
            .tables
            .values()
            .flat_map(|a| a.attrs.iter())
            .map(|a| (a.clone(), String::new()))
            .collect();
        let ctx = GovernContext {
            dialect: db.dialect,
            catalog: &schema.catalog,
            policy: role,
            attrs: &attrs,
            max_sql_len: max_sql,
        };
        let planned = match crate::sql::govern(&numbered.sql, &params, Purpose::Explain, &ctx) {
            Ok(q) => crate::db::execute(db, &q, probe_limits(), &Default::default())
                .await
                .map(|_| ())
                .map_err(|e| format!("the database cannot plan it: {e}")),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = planned {
            errors.push(
                t.sql_origin
                    .diagnostic(0, format!("template {} for role {role_name} in database {}: {e}", t.name, db.name))
                    .with_help("a template runs under the caller's role: use only what every listed role may query")
                    .to_string(),
            );
        }
    }
    errors
}

/// A value of the parameter's type for planning.
fn sample(p: &crate::templates::Param) -> serde_json::Value {
    if let Some(d) = &p.default {
        return d.clone();
    }
    match p.kind {
        ParamKind::Integer => p.min.map_or(1, |m| m as i64).into(),
        ParamKind::Number => p.min.unwrap_or(1.0).into(),
        ParamKind::Boolean => true.into(),
        ParamKind::Date => "2000-01-01".into(),
        ParamKind::Timestamp => "2000-01-01 00:00:00".into(),
        ParamKind::Enum => p.values.first().cloned().unwrap_or_default().into(),
        ParamKind::String => "x".into(),
    }
}

fn probe_limits() -> ExecLimits {
    ExecLimits {
        max_rows: 1000,
        max_result_bytes: 1 << 20,
        statement_timeout: std::time::Duration::from_secs(10),
    }
}

/// Plan (EXPLAIN, never run) each role's view of each filtered table, so the database itself
/// checks every row filter's columns, types and subqueries before anyone queries.
async fn dry_run_filters(db: &Database, schema: &DbSchema) -> Vec<String> {
    let mut errors = Vec::new();
    let mut roles: Vec<_> = schema.roles.iter().collect();
    roles.sort_by(|a, b| a.0.cmp(b.0));
    for (name, role) in roles {
        let mut tables: Vec<_> = role.tables.iter().filter(|(_, a)| a.has_filter()).collect();
        tables.sort_by(|a, b| a.0.cmp(b.0));
        for (table, access) in tables {
            let attrs = access
                .attrs
                .iter()
                .map(|a| (a.clone(), String::new()))
                .collect();
            let ctx = GovernContext {
                dialect: db.dialect,
                catalog: &schema.catalog,
                policy: role,
                attrs: &attrs,
                max_sql_len: 100_000,
            };
            let probe = crate::sql::select_one_from(table);
            let result = match crate::sql::govern(&probe, &[], Purpose::Explain, &ctx) {
                Ok(q) => crate::db::execute(db, &q, probe_limits(), &Default::default())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = result {
                errors.push(format!(
                    "role {name}: the row filter of {table} fails in database {}: {e}",
                    db.name
                ));
            }
        }
    }
    errors
}
