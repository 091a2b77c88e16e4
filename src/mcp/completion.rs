//! `completion/complete`: table and column names for prompt and resource arguments, limited to
//! what the caller's role may query.
//!
//! Input: a reference (a prompt, or the `schema://{database}/{table}` resource template), the
//! argument being typed, and earlier arguments. Output: at most 100 matching names, taken only
//! from the role's view (`view::visible`), so completion never reveals a hidden table or
//! column.

use rmcp::RoleServer;
use rmcp::model::{CompleteRequestParams, CompleteResult, CompletionInfo, Reference};
use rmcp::service::RequestContext;

use super::Sqlwarden;
use super::call::principal_of;
use crate::prompts::Completes;

/// What an argument completes to.
enum Source {
    Table,
    Column,
    Database,
}

pub(crate) async fn complete(
    server: &Sqlwarden,
    request: CompleteRequestParams,
    ctx: &RequestContext<RoleServer>,
) -> CompleteResult {
    let Some(principal) = principal_of(server, ctx) else {
        return CompleteResult::default();
    };
    let argument = request.argument.name.as_str();
    let typed = request.argument.value.to_lowercase();
    let earlier = request
        .context
        .and_then(|c| c.arguments)
        .unwrap_or_default();
    let source = match &request.r#ref {
        Reference::Resource(r) if r.uri.starts_with("schema://") => match argument {
            "database" => Some(Source::Database),
            "table" => Some(Source::Table),
            _ => None,
        },
        Reference::Prompt(p) => match (p.name.as_str(), argument) {
            (_, "database") => Some(Source::Database),
            ("explain_table", "table") => Some(Source::Table),
            (name, _) => server
                .state
                .registry
                .load()
                .prompts
                .get(name)
                .filter(|f| f.allows(&principal.role))
                .and_then(|f| f.arguments.iter().find(|a| a.name == argument))
                .and_then(|a| a.complete)
                .map(|c| match c {
                    Completes::Table => Source::Table,
                    Completes::Column => Source::Column,
                }),
        },
        _ => None,
    };
    let Some(source) = source else {
        return CompleteResult::default();
    };
    let wanted_db = earlier.get("database").filter(|d| !d.is_empty());
    let wanted_table = earlier.get("table").map(|t| t.to_lowercase());
    let mut names: Vec<String> = Vec::new();
    for (db, tables) in super::view::everywhere(&server.state.databases, &principal.role).await {
        if tables.is_empty() || wanted_db.is_some_and(|d| *d != db.name) {
            continue;
        }
        match source {
            Source::Database => names.push(db.name.clone()),
            Source::Table => names.extend(tables.iter().map(|t| t.short_name(&db))),
            Source::Column => {
                for t in &tables {
                    let short = t.short_name(&db).to_lowercase();
                    if wanted_table.as_ref().is_none_or(|w| *w == short) {
                        names.extend(t.columns.iter().map(|(c, _)| c.clone()));
                    }
                }
            }
        }
    }
    names.retain(|n| n.to_lowercase().starts_with(&typed));
    names.sort();
    names.dedup();
    let total = names.len();
    names.truncate(CompletionInfo::MAX_VALUES);
    let more = total > names.len();
    match CompletionInfo::with_pagination(names, u32::try_from(total).ok(), more) {
        Ok(info) => CompleteResult::new(info),
        Err(_) => CompleteResult::default(),
    }
}
