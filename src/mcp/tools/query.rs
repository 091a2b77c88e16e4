//! `query`: the governed-call path (database -> role -> limits -> govern -> execute), then shape.

use rmcp::model::{CallToolResult, ContentBlock};
use tokio_util::sync::CancellationToken;

use crate::mcp::Sqlwarden;
use crate::mcp::call::{Call, Request, Want};
use crate::shape::QueryOutput;

/// A parameter value bound to $1.. / ?1.. placeholders.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(
    untagged,
    expecting = "each element of params must be a string, number, boolean or null (not an object or array)"
)]
pub enum ParamValue {
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    Null(()),
}

impl ParamValue {
    fn into_json(self) -> serde_json::Value {
        match self {
            ParamValue::Bool(b) => b.into(),
            ParamValue::Number(n) => n.into(),
            ParamValue::Text(s) => s.into(),
            ParamValue::Null(()) => serde_json::Value::Null,
        }
    }
}

/// Schema of one parameter: any JSON scalar.
struct ParamSchema;

impl schemars::JsonSchema for ParamSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Param".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["string", "number", "boolean", "null"]})
    }
}

/// Schema of `max_rows`: a positive integer.
struct MaxRowsSchema;

impl schemars::JsonSchema for MaxRowsSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MaxRows".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 1})
    }
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct QueryArgs {
    /// One read-only SQL statement.
    pub sql: String,
    /// Values for $1.. (PostgreSQL) or ?1.. (SQLite).
    #[schemars(with = "Option<Vec<ParamSchema>>")]
    #[serde(default, deserialize_with = "bounded_params")]
    pub params: Option<Vec<ParamValue>>,
    /// Row limit (capped by your role).
    #[schemars(with = "Option<MaxRowsSchema>")]
    #[serde(default, deserialize_with = "positive")]
    pub max_rows: Option<u32>,
    /// Database; default if omitted.
    pub database: Option<String>,
}

/// `max_rows` as the schema says: a positive integer (0 is refused, not quietly made 1).
fn positive<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::Deserialize;
    match Option::<u64>::deserialize(d)? {
        None => Ok(None),
        Some(0) => Err(serde::de::Error::custom(
            "max_rows must be at least 1 (omit it for the role's row cap)",
        )),
        Some(n) => Ok(Some(u32::try_from(n).unwrap_or(u32::MAX))),
    }
}

/// The most parameters one statement takes (PostgreSQL's bound on a statement's parameters).
pub(crate) const MAX_PARAMS: usize = 65_535;

fn bounded_params<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<ParamValue>>, D::Error> {
    use serde::Deserialize;
    let params = Option::<Vec<ParamValue>>::deserialize(d)?;
    if params.as_ref().is_some_and(|p| p.len() > MAX_PARAMS) {
        return Err(serde::de::Error::custom(format!(
            "params may hold at most {MAX_PARAMS} values"
        )));
    }
    Ok(params)
}

pub(crate) async fn run(
    server: &Sqlwarden,
    args: QueryArgs,
    ctx: &impl Request,
    ct: &CancellationToken,
) -> CallToolResult {
    // the request record opens before anything can fail
    let mut call = Call::open(server, ctx, "query");
    let started = call.started();
    let params: Vec<serde_json::Value> = args
        .params
        .unwrap_or_default()
        .into_iter()
        .map(ParamValue::into_json)
        .collect();
    // database -> role -> limits -> govern -> execute
    let rows = call
        .run_statement(
            args.database.as_deref(),
            &args.sql,
            &params,
            Want::Rows(args.max_rows),
            ct,
        )
        .await;
    // shape: structured content + compact text
    let result = rows.map(|(set, max_rows)| shaped(set, max_rows, started, call.cached()));
    // close the record (logged; audited)
    call.finish(result).await
}

/// Rows as a tool result (compact text + structured content), and the row count.
pub(crate) fn shaped(
    set: crate::db::RowSet,
    max_rows: u64,
    started: std::time::Instant,
    cached: Option<std::time::Duration>,
) -> (CallToolResult, u64) {
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let out = QueryOutput::from_rows(set, cached, elapsed_ms);
    let text = out.render_text(max_rows);
    let row_count = out.row_count;
    let mut r = CallToolResult::success(vec![ContentBlock::text(text)]);
    r.structured_content = Some(out.into_value());
    (r, row_count)
}
