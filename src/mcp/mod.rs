//! The transport-agnostic MCP handler: tools over governed database access.
//!
//! Input: MCP requests (stdio or Streamable HTTP) with the caller's [`Principal`]. Output: tool
//! results with compact text plus `structuredContent`. Each tool is one file under `tools/`;
//! this file holds the shared state and the rmcp wiring. Nothing here touches SQL text.

pub(crate) mod call;
mod caller;
mod completion;
mod error;
mod instructions;
pub(crate) mod jsonrpc;
mod prompts;
pub mod registry;
mod resources;
mod schemas;
pub mod stdio;
pub mod streams;
mod templates;
pub(crate) mod tools;
mod value_hints;
mod view;

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, Implementation, ServerCapabilities, ServerConfig};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, tool, tool_handler, tool_router};

pub use error::ToolError;
pub use tools::{DescribeTableArgs, ExplainQueryArgs, ListTablesArgs, QueryArgs};

use crate::auth::Principal;
use crate::db::Database;
pub use registry::{Bundle, Registry, RegistryCell};

/// Shared, immutable server state (one per process, behind an `Arc`).
pub struct AppState {
    /// The first database is the default.
    pub databases: Vec<Arc<Database>>,
    /// Policies, templates and prompts (and the rate limits built from them), swapped whole
    /// on reload.
    pub registry: RegistryCell,
    pub max_sql_length: usize,
    /// One circuit breaker per database, by name.
    pub(crate) breakers: std::collections::HashMap<String, crate::limits::Breaker>,
    /// Where every request's record goes.
    pub auditor: crate::audit::Auditor,
    /// Rows of roles with a `cache_ttl`, and governance decisions of repeated statements.
    pub(crate) results: crate::cache::ResultCache,
    pub(crate) decisions: crate::cache::DecisionCache,
    /// Running calls and draining state (shutdown, `/readyz`).
    pub lifecycle: crate::lifecycle::Lifecycle,
    router: ToolRouter<Sqlwarden>,
}

impl AppState {
    pub fn new(
        databases: Vec<Arc<Database>>,
        registry: RegistryCell,
        max_sql_length: usize,
        auditor: crate::audit::Auditor,
        cache_max_bytes: u64,
    ) -> Arc<Self> {
        let breakers = databases
            .iter()
            .map(|d| (d.name.clone(), crate::limits::Breaker::default()))
            .collect();
        Arc::new(AppState {
            breakers,
            databases,
            registry,
            max_sql_length,
            auditor,
            results: crate::cache::ResultCache::new(cache_max_bytes),
            decisions: crate::cache::DecisionCache::default(),
            lifecycle: Default::default(),
            router: compact(Sqlwarden::tool_router()),
        })
    }

    /// The named database, or the default.
    pub(crate) fn database(&self, name: Option<&str>) -> Result<&Arc<Database>, ToolError> {
        match name {
            None | Some("") => self
                .databases
                .first()
                .ok_or_else(|| ToolError::Unavailable("no database is configured".into())),
            Some(n) => self.databases.iter().find(|d| d.name == n).ok_or_else(|| {
                let known: Vec<&str> = self.databases.iter().map(|d| d.name.as_str()).collect();
                call::unknown_database(n, &known)
            }),
        }
    }
}

/// One MCP session's handler. Cheap to construct: the stateless HTTP transport builds one per
/// request. The caller's principal comes with each request (see `call`); only a stdio session,
/// started by a trusted operator, has one fixed for its whole life.
#[derive(Clone)]
pub struct Sqlwarden {
    pub(crate) state: Arc<AppState>,
    pub(crate) fixed_principal: Option<Arc<Principal>>,
}

impl Sqlwarden {
    /// A handler whose principal comes with each request (HTTP: the auth layer sets it).
    pub fn new(state: Arc<AppState>) -> Self {
        // Built per HTTP request: the tool router is shared through the state, not cloned.
        Sqlwarden {
            state,
            fixed_principal: None,
        }
    }

    /// A handler for a stdio session, whose one principal was fixed at start.
    pub fn with_principal(state: Arc<AppState>, principal: Arc<Principal>) -> Self {
        Sqlwarden {
            fixed_principal: Some(principal),
            ..Sqlwarden::new(state)
        }
    }
}

#[tool_router]
impl Sqlwarden {
    /// Run one read-only SQL query and get rows back.
    #[tool(
        name = "query",
        description = "Run one read-only SQL query (SELECT/WITH/VALUES). Policy-checked: a denial names the rule to fix. Rows are capped (truncated=true): aggregate or filter in SQL.",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schemas::query_output()
    )]
    async fn query(
        &self,
        Parameters(args): Parameters<QueryArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        Ok(tools::query::run(self, args, &ctx, &ctx.ct).await)
    }

    /// List the tables and views your role may query.
    #[tool(
        name = "list_tables",
        description = "Tables and views you may query, with row estimates and comments. Start here.",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schemas::list_tables_output()
    )]
    async fn list_tables(
        &self,
        Parameters(args): Parameters<ListTablesArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        Ok(tools::list_tables::run(self, args, ctx).await)
    }

    /// Columns, keys and indexes of one table.
    #[tool(
        name = "describe_table",
        description = "Columns, keys and indexes of one table or view.",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schemas::describe_table_output()
    )]
    async fn describe_table(
        &self,
        Parameters(args): Parameters<DescribeTableArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        Ok(tools::describe_table::run(self, args, ctx).await)
    }

    /// The database's plan for a query, without running it.
    #[tool(
        name = "explain_query",
        description = "Execution plan of a read-only query, without running it.",
        annotations(read_only_hint = true, open_world_hint = false),
        output_schema = schemas::explain_output()
    )]
    async fn explain_query(
        &self,
        Parameters(args): Parameters<ExplainQueryArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        Ok(tools::explain_query::run(self, args, ctx).await)
    }
}

#[tool_handler(router = self.state.router)]
impl ServerHandler for Sqlwarden {
    /// Dispatch to the tool. Every tool records its own call; a call refused before its tool
    /// runs (unknown tool, arguments that fail the schema) is recorded here.
    async fn call_tool(
        &self,
        request: rmcp::model::CallToolRequestParams,
        mut context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CallToolResponse, McpError> {
        let name = request.name.to_string();
        let caller = call::Caller::of(self, &context);
        let ran = call::ToolRan::default();
        context.extensions.insert(ran.clone());
        // a DBA template the caller's role may run, else a core tool (or an unknown one);
        // one span per call (log context, and a trace span with feature `otel`)
        let span = tracing::info_span!("tools/call", tool = %name);
        let response = tracing::Instrument::instrument(
            async {
                match templates::call(self, &request, &context).await {
                    Some(r) => r.map(Into::into),
                    None => {
                        let ctx = rmcp::handler::server::tool::ToolCallContext::new(
                            self, request, context,
                        );
                        self.state.router.call(ctx).await
                    }
                }
            },
            span,
        )
        .await;
        if !ran.0.load(std::sync::atomic::Ordering::Relaxed) {
            let code = match &response {
                Err(e) if e.code == rmcp::model::ErrorCode::METHOD_NOT_FOUND => "method_not_found",
                Err(e) if e.code != rmcp::model::ErrorCode::INVALID_PARAMS => "protocol_error",
                _ => "invalid_params",
            };
            call::Call::refused(self, caller, "tools/call", &name, code).await;
        }
        response
    }

    /// The core tools and the templates the caller's role may run.
    async fn list_tools(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListToolsResult, McpError> {
        let mut tools = self.state.router.list_all();
        tools.extend(templates::list(self, &context));
        let hints = context
            .protocol_version()
            .is_some_and(|v| v >= rmcp::model::ProtocolVersion::V_2026_07_28);
        let mut result = rmcp::model::ListToolsResult::with_all_items(tools);
        result.ttl_ms = hints.then_some(0);
        // the list depends on the caller's role once templates exist
        let varies = !self.state.registry.load().templates.templates.is_empty();
        result.cache_scope = hints.then_some(if varies {
            rmcp::model::CacheScope::Private
        } else {
            rmcp::model::CacheScope::Public
        });
        Ok(result)
    }

    /// The core tools only: the transport asks without a caller (for `Mcp-Param-*` header
    /// checks), and answering for a template would tell any caller that it exists. Template
    /// arguments are checked by the template itself.
    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.state.router.get(name).cloned()
    }

    async fn list_prompts(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListPromptsResult, McpError> {
        Ok(prompts::list(self, &context))
    }

    async fn get_prompt(
        &self,
        request: rmcp::model::GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetPromptResponse, McpError> {
        prompts::get(self, request, &context).await.map(Into::into)
    }

    async fn list_resources(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourcesResult, McpError> {
        Ok(resources::list(self, &context).await)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourceTemplatesResult, McpError> {
        Ok(resources::templates())
    }

    async fn read_resource(
        &self,
        request: rmcp::model::ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ReadResourceResponse, McpError> {
        resources::read(self, request, &context)
            .await
            .map(Into::into)
    }

    async fn complete(
        &self,
        request: rmcp::model::CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CompleteResult, McpError> {
        Ok(completion::complete(self, request, &context).await)
    }

    /// A request rmcp could not type (unknown method, or params that do not fit): a JSON-RPC
    /// error saying what is wrong (`jsonrpc`), for stdio and HTTP alike. A `tools/call`,
    /// `prompts/get` or `resources/read` refused so is recorded like any other.
    async fn on_custom_request(
        &self,
        request: rmcp::model::CustomRequest,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CustomResult, McpError> {
        let answer = jsonrpc::custom_request(self, &request, &context);
        if let Err(e) = &answer
            && e.code == rmcp::model::ErrorCode::INVALID_PARAMS
            && let Some(method) = jsonrpc::audited_method(request.method.as_str())
        {
            let params = request.params.as_ref();
            let name = ["name", "uri"]
                .into_iter()
                .find_map(|k| params.and_then(|p| p.get(k)).and_then(|v| v.as_str()))
                .unwrap_or_default();
            let caller = call::Caller::of(self, &context);
            call::Call::refused(self, caller, method, name, "invalid_params").await;
        }
        answer
    }

    #[allow(deprecated)] // logging is deprecated (SEP-2577); the answer still says so clearly
    async fn set_level(
        &self,
        _request: rmcp::model::SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Err(jsonrpc::not_offered(self, "logging/setLevel", &context))
    }

    async fn subscribe(
        &self,
        _request: rmcp::model::SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Err(jsonrpc::not_offered(self, "resources/subscribe", &context))
    }

    async fn unsubscribe(
        &self,
        _request: rmcp::model::UnsubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Err(jsonrpc::not_offered(
            self,
            "resources/unsubscribe",
            &context,
        ))
    }

    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_tool_list_changed()
            .enable_prompts()
            .enable_prompts_list_changed()
            .enable_resources()
            .enable_resources_list_changed()
            .enable_completions()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info(Implementation::new("sqlwarden", env!("CARGO_PKG_VERSION")))
            .with_instructions(instructions::generic())
    }

    /// The handshake, with instructions built for the caller's principal (its databases,
    /// dialects and limits), so the model knows what it talks to before its first query.
    async fn initialize(
        &self,
        request: rmcp::model::InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::InitializeResult, McpError> {
        context.peer.set_peer_info(request.clone());
        let mut info = self.negotiate_initialize(&request)?;
        info.instructions = Some(self.instructions(&context));
        Ok(info)
    }

    /// `server/discover` (2026-07-28), with the same per-caller instructions.
    async fn discover(
        &self,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::DiscoverResult, McpError> {
        let mut info = self.get_info();
        info.instructions = Some(self.instructions(&context));
        Ok(rmcp::model::DiscoverResult::from_server_info(
            self.supported_protocol_versions().into_owned(),
            info,
        ))
    }
}

impl Sqlwarden {
    /// The instructions for this request's caller.
    fn instructions(&self, context: &RequestContext<RoleServer>) -> String {
        let principal = call::principal_of(self, context);
        instructions::for_principal(&self.state, principal.as_deref())
    }
}

/// Input schemas as every client reads them, and small: drop `$schema` and `"default": null`,
/// and write optional values without `null` in a type array (`["string", "null"]` becomes
/// `"string"`: an optional property is simply not required). Some clients (OpenAPI-subset and
/// Gemini-style schema consumers) reject type arrays; a value that may be of several types has
/// no `type` at all. Every byte of `tools/list` costs the model context.
fn compact(router: ToolRouter<Sqlwarden>) -> ToolRouter<Sqlwarden> {
    let mut out = ToolRouter::new();
    for mut route in router {
        let mut schema = (*route.attr.input_schema).clone();
        schema.remove("$schema");
        simplify(&mut schema);
        route.attr.input_schema = Arc::new(schema);
        out.add_route(route);
    }
    out
}

fn simplify(schema: &mut rmcp::model::JsonObject) {
    if schema
        .get("default")
        .is_some_and(serde_json::Value::is_null)
    {
        schema.remove("default");
    }
    if let Some(serde_json::Value::Array(types)) = schema.get("type") {
        let kept: Vec<serde_json::Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match kept.as_slice() {
            [one] => {
                let one = one.clone();
                schema.insert("type".into(), one);
            }
            _ => {
                schema.remove("type");
            }
        }
    }
    for (_, v) in schema.iter_mut() {
        match v {
            serde_json::Value::Object(o) => simplify(o),
            serde_json::Value::Array(items) => {
                for item in items {
                    if let serde_json::Value::Object(o) = item {
                        simplify(o);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The text content of a tool result.
pub(crate) fn said(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A short unique id for one request (16 hex digits), shown in internal errors and logged.
/// Distinct within a process: a counter through a bijective mix keyed once per process from
/// the OS's random source, so ids need no system call per request and still differ between
/// processes and restarts.
pub(crate) fn request_id() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static KEY: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let key = *KEY.get_or_init(|| {
        let mut b = [0u8; 8];
        // Without the OS's randomness, the clock still tells processes apart.
        if getrandom::fill(&mut b).is_err() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            b = (now ^ u64::from(std::process::id())).to_le_bytes();
        }
        u64::from_le_bytes(b)
    });
    format!(
        "{:016x}",
        mix(key.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)))
    )
}

/// SplitMix64's finalizer: a bijection on u64 that spreads consecutive inputs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::request_id;

    #[test]
    fn request_ids_are_short_hex_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..20_000).map(|_| request_id()).collect();
        assert_eq!(ids.len(), 20_000);
        assert!(
            ids.iter()
                .all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        );
        // Consecutive ids do not look consecutive (no counter visible to callers).
        let (a, b) = (request_id(), request_id());
        let diff =
            u64::from_str_radix(&a, 16).unwrap_or(0) ^ u64::from_str_radix(&b, 16).unwrap_or(0);
        assert!(diff.count_ones() > 8, "{a} {b}");
    }
}
