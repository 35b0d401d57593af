//! phasegate's Model Context Protocol server (`phasegate mcp`): the checks, the gates and the
//! workflow actions as tools a coding agent calls, and the workflow definitions as resources.
//! Built on the official Rust SDK (`rmcp`), over stdio. The only crate that knows MCP types;
//! like the CLI and the language server it drives the engine through `phasegate-host`.
//!
//! Every request is converted in, answered by the engine on a blocking thread (a panic there
//! becomes a tool error and the server goes on), and converted out. Nothing found in a document
//! is ever executed; files are written only by `advance` and `scaffold` called with
//! `apply: true`, through `host::write` (the CLI's safety rules).

mod convert;
mod resources;
mod tools;

use std::path::{Path, PathBuf};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListResourceTemplatesResult,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};

/// What the server tells the agent when it connects (MCP `instructions`).
const INSTRUCTIONS: &str = "phasegate checks workflow documents (phases, gates, deliverables, state files; Spec Kit, Kiro, OpenSpec, BMAD, .ops/build). Call `check` before declaring a phase done and fix every error it reports; `status` shows where each workflow stands; `explain_gate` says what blocks a gate and what would satisfy it, file by file; `graph` draws a workflow as Mermaid. `advance` and `scaffold` show their change as a diff and write nothing unless called with `apply: true`. Paths are relative to the folder the server was started in.";

/// The server: the folder it works in, canonical. Every path a tool takes is resolved against it
/// and must stay inside it.
#[derive(Clone, Debug)]
pub struct Server {
    root: PathBuf,
}

impl Server {
    /// A server for the folder `root` (made absolute and canonical). Fails when it is not a
    /// folder.
    pub fn new(root: &Path) -> Result<Server, String> {
        let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
        if !root.is_dir() {
            return Err(format!("{}: not a folder", root.display()));
        }
        Ok(Server { root })
    }
}

/// Runs `work` on a blocking thread; a panic in it becomes an `Err` with a message, never the end
/// of the server.
async fn guarded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        let detail = if e.is_panic() {
            let payload = e.into_panic();
            payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_default()
        } else {
            e.to_string()
        };
        format!("internal error in phasegate (a bug; please report it): {detail}")
    })
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("phasegate", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::all()))
    }

    async fn call_tool(&self, request: CallToolRequestParams, _context: RequestContext<RoleServer>) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        if !tools::exists(&name) {
            return Err(ErrorData::invalid_params(format!("unknown tool `{name}`; the tools are {}", tools::NAMES.join(", ")), None));
        }
        let root = self.root.clone();
        let arguments = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let result = guarded(move || tools::call(&root, &name, arguments))
            .await
            .unwrap_or_else(|message| CallToolResult::error(vec![ContentBlock::text(message)]));
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let root = self.root.clone();
        let list = guarded(move || resources::list(&root)).await.map_err(|m| ErrorData::internal_error(m, None))?;
        Ok(ListResourcesResult::with_all_items(list))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(resources::templates()))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let root = self.root.clone();
        let uri = request.uri;
        let read = guarded(move || resources::read(&root, &uri)).await.map_err(|m| ErrorData::internal_error(m, None))?;
        read.map(Into::into).map_err(|m| ErrorData::resource_not_found(m, None))
    }
}

/// Serves MCP on stdin/stdout for the folder `root` until the client closes the connection.
/// Errors (a root that is not a folder, a broken transport) are returned as messages; the caller
/// prints them on stderr (stdout is the protocol's).
pub fn run_stdio(root: &Path) -> Result<(), String> {
    let server = Server::new(root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async move {
        let running = server.serve(rmcp::transport::stdio()).await.map_err(|e| format!("MCP session did not start: {e}"))?;
        running.waiting().await.map_err(|e| format!("MCP session ended abnormally: {e}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_a_tool_is_an_error_and_the_runtime_goes_on() {
        let failed = guarded(|| -> u32 { panic!("boom at {}", 3) }).await;
        assert_eq!(failed, Err("internal error in phasegate (a bug; please report it): boom at 3".to_string()));
        assert_eq!(guarded(|| 7).await, Ok(7));
    }

    #[test]
    fn every_tool_has_an_object_input_schema_and_an_output_schema() {
        let tools = tools::all();
        assert_eq!(tools.iter().map(|t| t.name.as_ref()).collect::<Vec<_>>(), tools::NAMES);
        for t in &tools {
            assert_eq!(t.input_schema.get("type").and_then(|v| v.as_str()), Some("object"), "{}", t.name);
            assert!(t.output_schema.as_ref().is_some_and(|s| s.contains_key("properties")), "{}", t.name);
        }
    }
}
