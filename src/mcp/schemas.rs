//! Output schemas, written by hand: the model pays for every byte of `tools/list`, so these
//! say what a client needs to validate and read results, and nothing more.
//!
//! Results carry more fields than these name (`cached`, `elapsed_ms`, `primary_key`, ...): the
//! schemas list what a client needs to find the data, not every field.
//!
//! No property is `required`: an error result carries `structuredContent: {"error": {...}}`
//! under the same schema, and clients that validate structured content against the output
//! schema (the TypeScript SDK 1.x does, errors included) must accept it.

use std::sync::Arc;

use rmcp::model::JsonObject;
use serde_json::json;

fn object(v: serde_json::Value) -> Arc<JsonObject> {
    match v {
        serde_json::Value::Object(m) => Arc::new(m),
        _ => Arc::new(JsonObject::new()),
    }
}

pub(crate) fn query_output() -> Arc<JsonObject> {
    object(json!({
        "type": "object",
        "properties": {
            "columns": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}},
            // No `items`: a validating client (the Python SDK's jsonschema) would otherwise
            // visit every row; each row is an array of values in `columns` order.
            "rows": {"type": "array"},
            "row_count": {"type": "integer"},
            "truncated": {"type": "boolean"}
        }
    }))
}

pub(crate) fn list_tables_output() -> Arc<JsonObject> {
    object(json!({
        "type": "object",
        "properties": {"tables": {"type": "array"}}
    }))
}

pub(crate) fn describe_table_output() -> Arc<JsonObject> {
    object(json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "columns": {"type": "array"}
        }
    }))
}

pub(crate) fn explain_output() -> Arc<JsonObject> {
    object(json!({
        "type": "object",
        "properties": {"plan": {"type": "string"}}
    }))
}
