//! `afc mcp`: a Model Context Protocol server on standard input and output, for AI assistants
//! that draft flows: tools to check, compile, format, render and import flows and to look up
//! techniques, and the language reference as a resource. See docs/mcp.md.
//!
//! The protocol is the official Rust SDK's, `rmcp`: its message types, its lifecycle
//! (initialize and version negotiation, ping, cancellation, the 2026 stateless requests) and
//! its dispatch to the [`ServerHandler`] below. This module supplies what afc knows (the
//! tools in `tools.rs`, the resources, the instructions) and one piece of transport:
//!
//! MCP's stdio transport is one JSON-RPC 2.0 message per line in each direction, nothing else
//! on standard output (logs go to standard error). `rmcp`'s own reader skips a line that is
//! not JSON and answers other bad messages with a bare "Invalid request"; [`Lines`] answers as
//! JSON-RPC 2.0 asks instead, so a client or a person testing by hand learns what was wrong:
//! a parse error (-32700) for text that is not JSON, an oversized line or bytes that are not
//! UTF-8; an invalid request (-32600, with the request's `id` when it has one) for a batch,
//! a value that is not an object, a wrong `jsonrpc` or `id`, or a missing `method`; invalid
//! params (-32602) for a known method whose parameters do not fit it. Unknown methods get
//! -32601, unknown resources -32002, tool arguments that do not fit -32602, and a tool that
//! fails on its input answers with `isError: true` and the reason, as MCP asks. A panic
//! inside a tool (a bug) is answered with an internal error (-32603). None of these ends the
//! server; the end of standard input does.

mod tools;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientJsonRpcMessage, ClientRequest, CustomRequest,
    CustomResult, ErrorCode, Implementation, InitializeRequestParams, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig, ServerJsonRpcMessage,
};
use rmcp::service::{RequestContext, ServerInitializeError};
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// The longest message read; longer lines are skipped with a parse error.
const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// The resources: documentation pages, embedded when `afc` is built.
const RESOURCES: &[(&str, &str, &str, &str)] = &[
    (
        "afc://docs/language.md",
        "language.md",
        "The afc flow language reference: nodes, properties, edges, the flow header, sugar, output",
        include_str!("../docs/language.md"),
    ),
    (
        "afc://docs/diagnostics.md",
        "diagnostics.md",
        "Every afc diagnostic code with an example and its fix",
        include_str!("../docs/diagnostics.md"),
    ),
];

const INSTRUCTIONS: &str = "afc writes MITRE Attack Flows as code (.af files) and compiles them to \
Attack Flow 2.0 STIX 2.1 bundles. Read the resource afc://docs/language.md for the syntax. Draft a \
flow, then call `check` until it reports no errors: every diagnostic has a message, a help text and \
often `fixes` (exact edits). Use `search_techniques` to find ATT&CK, ATLAS, D3FEND or F3 ids by name \
and `show_technique` for details; `compile` gives the bundle, `render` a picture (SVG or Mermaid), \
`format` the canonical layout, `import` turns an existing bundle or Attack Flow Builder file into \
flow text.";

/// Runs the server until standard input ends.
pub fn run() -> u8 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let result = match runtime {
        Ok(rt) => rt.block_on(serve(
            tokio::io::BufReader::new(tokio::io::stdin()),
            tokio::io::stdout(),
        )),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => crate::output::OK,
        Err(e) => {
            crate::output::fail(format!("afc mcp: {e}"));
            crate::output::USAGE
        }
    }
}

/// Serves one client: reads messages from `input` and writes the answers to `output`, one
/// per line, until `input` ends.
pub async fn serve<R, W>(input: R, output: W) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // A small queue: a client that stops reading slows the server down rather than filling
    // memory with answers.
    let (to_writer, lines) = mpsc::channel::<Vec<u8>>(16);
    let writer = tokio::spawn(write_lines(lines, output));
    let served = match Afc.serve(Lines::new(input, to_writer)).await {
        Ok(running) => running.waiting().await.map(|_| ()).map_err(std::io::Error::other),
        // The input ended before the client asked to initialize: nothing to do.
        Err(ServerInitializeError::ConnectionClosed(_)) => Ok(()),
        Err(e) => Err(std::io::Error::other(e)),
    };
    // The transport is gone, and with it the last sender: the writer finishes what is queued.
    let written = writer.await.map_err(std::io::Error::other).and_then(|r| r);
    written.and(served)
}

/// Writes every line it is handed to `output`, in order, until the senders are gone.
async fn write_lines<W: AsyncWrite + Unpin>(
    mut lines: mpsc::Receiver<Vec<u8>>,
    mut output: W,
) -> std::io::Result<()> {
    while let Some(line) = lines.recv().await {
        output.write_all(&line).await?;
        output.flush().await?;
    }
    Ok(())
}

/// The server: what afc offers over MCP.
#[derive(Clone, Copy)]
struct Afc;

impl ServerHandler for Afc {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("afc", env!("CARGO_PKG_VERSION")).with_title("afc — Attack Flows as code"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::list()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let args = request.arguments.unwrap_or_default();
        // The tools are plain computation; they run off the thread that reads and writes
        // messages, and a panic in one (a bug) is an answer rather than the end.
        let what = name.clone();
        match tokio::task::spawn_blocking(move || tools::call(&name, &args)).await {
            Ok(result) => result.map(CallToolResponse::from),
            Err(_) => Err(ErrorData::internal_error(
                format!("internal error in tool `{what}` (a bug in afc; please report it)"),
                None,
            )),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(
            RESOURCES
                .iter()
                .map(|(uri, name, description, _)| {
                    Resource::new(*uri, *name)
                        .with_description(*description)
                        .with_mime_type("text/markdown")
                })
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let (uri, _, _, text) = RESOURCES.iter().find(|r| r.0 == request.uri).ok_or_else(|| {
            ErrorData::resource_not_found(
                format!(
                    "resource not found: {} (there are {})",
                    request.uri,
                    RESOURCES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
                ),
                None,
            )
        })?;
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(*text, *uri).with_mime_type("text/markdown")
        ])
        .into())
    }

    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!("method not found: {}", request.method),
            None,
        ))
    }
}

/// MCP's stdio transport for `rmcp`: one message per line each way, answering unreadable
/// lines with the JSON-RPC error they call for (see the module documentation).
///
/// `rmcp` polls [`Transport::receive`](rmcp::transport::Transport::receive) in a `select!`
/// and drops it whenever something else is ready, so everything here survives being dropped
/// at any await: a partly read line stays in `line` and the next call goes on with it, and
/// every message out is one whole line handed to a single writer task, so no line is lost
/// or torn.
struct Lines<R> {
    input: R,
    /// The part of the current line read so far.
    line: Vec<u8>,
    /// Whether the rest of an oversized line is being skipped.
    skipping: bool,
    /// An error answer waiting for room in the writer's queue.
    pending: Option<Vec<u8>>,
    /// The queue of the task that writes standard output ([`write_lines`]).
    to_writer: mpsc::Sender<Vec<u8>>,
    /// Whether an `initialize` request has been passed on. `rmcp` stops at a notification
    /// or response that comes before it, so those are dropped here.
    initialized: bool,
}

impl<R> Lines<R> {
    fn new(input: R, to_writer: mpsc::Sender<Vec<u8>>) -> Lines<R> {
        Lines {
            input,
            line: Vec::new(),
            skipping: false,
            pending: None,
            to_writer,
            initialized: false,
        }
    }
}

/// A message as one line of output.
fn line_of(text: String) -> Vec<u8> {
    let mut line = text.into_bytes();
    line.push(b'\n');
    line
}

fn closed() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::BrokenPipe, "standard output is closed")
}

impl<R> rmcp::transport::Transport<RoleServer> for Lines<R>
where
    R: AsyncBufRead + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl std::future::Future<Output = std::io::Result<()>> + Send + 'static {
        let line = serde_json::to_string(&item)
            .map(line_of)
            .map_err(std::io::Error::other);
        let to_writer = self.to_writer.clone();
        async move { to_writer.send(line?).await.map_err(|_| closed()) }
    }

    async fn receive(&mut self) -> Option<ClientJsonRpcMessage> {
        loop {
            if self.pending.is_some() {
                let permit = self.to_writer.reserve().await.ok()?;
                if let Some(answer) = self.pending.take() {
                    permit.send(answer);
                }
            }
            let room = (MAX_MESSAGE_BYTES + 1).saturating_sub(self.line.len()).max(1) as u64;
            let n = match (&mut self.input)
                .take(room)
                .read_until(b'\n', &mut self.line)
                .await
            {
                Ok(n) => n,
                Err(e) => {
                    crate::output::fail(format!("afc mcp: cannot read standard input: {e}"));
                    return None;
                }
            };
            if !self.line.ends_with(b"\n") {
                if n == 0 && (self.line.is_empty() || self.skipping) {
                    return None;
                }
                if self.line.len() > MAX_MESSAGE_BYTES {
                    if !self.skipping {
                        self.skipping = true;
                        self.pending = Some(line_of(error(
                            Value::Null,
                            ErrorCode::PARSE_ERROR,
                            format!("message larger than {} MiB", MAX_MESSAGE_BYTES >> 20),
                        )));
                    }
                    self.line.clear();
                    continue;
                }
                // Otherwise the input ended after a last line without a newline: read it.
            }
            if std::mem::take(&mut self.skipping) {
                self.line.clear();
                continue;
            }
            let verdict = read_message(&self.line);
            self.line.clear();
            match verdict {
                Ok(ClientJsonRpcMessage::Request(request)) => {
                    if matches!(request.request, ClientRequest::InitializeRequest(_)) {
                        self.initialized = true;
                    }
                    return Some(ClientJsonRpcMessage::Request(request));
                }
                Ok(other) if self.initialized => return Some(other),
                // Before `initialize`, a notification or response has nothing to act on.
                Ok(_) | Err(None) => {}
                Err(Some(answer)) => self.pending = Some(line_of(answer)),
            }
        }
    }

    async fn close(&mut self) -> std::io::Result<()> {
        if let Some(answer) = self.pending.take() {
            self.to_writer.send(answer).await.map_err(|_| closed())?;
        }
        Ok(())
    }
}

fn error(id: Value, code: ErrorCode, message: String) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code.0, "message": message}}).to_string()
}

/// One line read: the message, or the error to answer it with (`None`: no answer, for a
/// blank line or a broken notification).
fn read_message(line: &[u8]) -> Result<ClientJsonRpcMessage, Option<String>> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Err(Some(error(
            Value::Null,
            ErrorCode::PARSE_ERROR,
            "message is not UTF-8".into(),
        )));
    };
    if text.trim().is_empty() {
        return Err(None);
    }
    let bad_params = |id: Value, method: &str, problem: String| {
        error(
            id,
            ErrorCode::INVALID_PARAMS,
            format!("invalid params for `{method}`: {problem}"),
        )
    };
    let unfit = match serde_json::from_str::<ClientJsonRpcMessage>(text) {
        Ok(ClientJsonRpcMessage::Request(request)) => {
            // `rmcp` reads a request for a method it knows, with parameters that do not fit,
            // as an unknown ("custom") method; say what is wrong with them instead.
            if let ClientRequest::CustomRequest(custom) = &request.request {
                if let Some(problem) = params_problem(&custom.method, custom.params.as_ref()) {
                    let id = serde_json::to_value(&request.id).unwrap_or(Value::Null);
                    return Err(Some(bad_params(id, &custom.method, problem)));
                }
            }
            return Ok(ClientJsonRpcMessage::Request(request));
        }
        Ok(message) => return Ok(message),
        Err(e) => e,
    };
    // Not a message: read it as plain JSON to say what is wrong.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Some(error(
            Value::Null,
            ErrorCode::PARSE_ERROR,
            format!("parse error: {e}"),
        ))
    })?;
    let Value::Object(message) = &value else {
        let what = if value.is_array() {
            "batches are not supported; send one request per line"
        } else {
            "a request is a JSON object"
        };
        return Err(Some(error(Value::Null, ErrorCode::INVALID_REQUEST, what.into())));
    };
    let id = match message.get("id") {
        None => None,
        Some(v @ (Value::String(_) | Value::Number(_))) => Some(v.clone()),
        Some(_) => {
            return Err(Some(error(
                Value::Null,
                ErrorCode::INVALID_REQUEST,
                "`id` must be a string or a number".into(),
            )))
        }
    };
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(Some(error(
            id.unwrap_or(Value::Null),
            ErrorCode::INVALID_REQUEST,
            "`jsonrpc` must be \"2.0\"".into(),
        )));
    }
    // Only requests are answered; a broken notification or response is dropped.
    let id = id.ok_or(None)?;
    Err(Some(match message.get("method").and_then(Value::as_str) {
        Some(method) => {
            let problem = params_problem(method, message.get("params")).unwrap_or_else(|| unfit.to_string());
            bad_params(id, method, problem)
        }
        None => error(
            id,
            ErrorCode::INVALID_REQUEST,
            "a request needs a `method`".into(),
        ),
    }))
}

/// What is wrong with the parameters of a request for one of the methods this server
/// answers, if anything.
fn params_problem(method: &str, params: Option<&Value>) -> Option<String> {
    fn fits<T: serde::de::DeserializeOwned>(params: Option<&Value>) -> Option<String> {
        match params {
            None | Some(Value::Null) => Some("`params` is required".into()),
            Some(p @ Value::Object(_)) => serde_json::from_value::<T>(p.clone())
                .err()
                .map(|e| e.to_string()),
            Some(_) => Some("`params` must be an object".into()),
        }
    }
    match method {
        "initialize" => fits::<InitializeRequestParams>(params),
        "tools/call" => fits::<CallToolRequestParams>(params),
        "resources/read" => fits::<ReadResourceRequestParams>(params),
        "ping" | "tools/list" | "resources/list" | "resources/templates/list" => match params {
            None | Some(Value::Null) => None,
            Some(p @ Value::Object(_)) => serde_json::from_value::<PaginatedRequestParams>(p.clone())
                .err()
                .map(|e| e.to_string()),
            Some(_) => Some("`params` must be an object".into()),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    /// The error code `read_message` answers a line with, or `None` when the line is passed on.
    fn code(line: &str) -> Option<i64> {
        match read_message(line.as_bytes()) {
            Ok(_) => None,
            Err(answer) => answer
                .and_then(|a| serde_json::from_str::<Value>(&a).ok())
                .and_then(|a| a["error"]["code"].as_i64()),
        }
    }

    #[test]
    fn malformed_messages_get_json_rpc_errors() {
        assert_eq!(code("{oops"), Some(-32700));
        assert_eq!(code("[]"), Some(-32600));
        assert_eq!(code("42"), Some(-32600));
        assert_eq!(code(r#"{"jsonrpc": "2.0", "id": 1}"#), Some(-32600));
        assert_eq!(
            code(r#"{"jsonrpc": "1.0", "id": 1, "method": "ping"}"#),
            Some(-32600)
        );
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "id": {}, "method": "ping"}"#),
            Some(-32600)
        );
        // Unknown methods are the SDK's to answer (-32601).
        assert_eq!(code(r#"{"jsonrpc": "2.0", "id": 1, "method": "nope"}"#), None);
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": []}"#),
            Some(-32602)
        );
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}"#),
            Some(-32602)
        );
        assert_eq!(
            code(r#"{"jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": {"uri": 3}}"#),
            Some(-32602)
        );
        // Notifications get no answer, known or not, well-formed or not.
        assert!(read_message(br#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#).is_ok());
        assert!(read_message(br#"{"jsonrpc": "2.0", "method": "whatever"}"#).is_ok());
        assert!(matches!(
            read_message(br#"{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": 3}"#),
            Ok(_) | Err(None)
        ));
        assert!(matches!(read_message(b"  \r\n"), Err(None)));
        assert_eq!(
            read_message(br#"{"jsonrpc": "2.0", "id": "x", "method": "initialize", "params": {}}"#).err(),
            Some(Some(
                r#"{"jsonrpc":"2.0","id":"x","error":{"code":-32602,"message":"invalid params for `initialize`: missing field `protocolVersion`"}}"#
                    .to_string()
            ))
        );
    }

    /// Runs the server on `script`, handed over in chunks of `chunk` bytes with a pause
    /// after each (so that reads are often cut short), and returns the lines it wrote.
    fn run_script(script: Vec<u8>, chunk: usize) -> Vec<Value> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        rt.block_on(async move {
            let (mut feed, input) = tokio::io::duplex(1 << 16);
            let (output, mut answers) = tokio::io::duplex(1 << 16);
            let feeder = tokio::spawn(async move {
                for piece in script.chunks(chunk) {
                    if feed.write_all(piece).await.is_err() {
                        break;
                    }
                    tokio::task::yield_now().await;
                }
            });
            let collector = tokio::spawn(async move {
                let mut out = Vec::new();
                let _ = answers.read_to_end(&mut out).await;
                out
            });
            let served = serve(tokio::io::BufReader::new(input), output).await;
            assert!(served.is_ok(), "{served:?}");
            let _ = feeder.await;
            let out = collector.await.unwrap_or_default();
            String::from_utf8_lossy(&out)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("torn line ({e}): {l}")))
                .collect()
        })
    }

    #[test]
    fn oversized_and_blank_lines_do_not_stop_the_server() {
        let mut input = Vec::new();
        input.extend_from_slice(b"\n   \n");
        input.extend(std::iter::repeat_n(b'x', MAX_MESSAGE_BYTES + 10));
        input.extend_from_slice(b"\n{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"ping\"}\n");
        input.extend_from_slice(b"\xff\xfe\n");
        // The last line has no newline: it is still read.
        input.extend_from_slice(b"{\"jsonrpc\": \"2.0\", \"id\": 8, \"method\": \"ping\"}");
        let lines = run_script(input, 1 << 20);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[0]["error"]["code"], -32700);
        assert_eq!(lines[1]["result"], json!({}));
        assert_eq!(lines[1]["id"], 7);
        assert_eq!(lines[2]["error"]["code"], -32700);
        assert_eq!(lines[3]["id"], 8);
    }

    /// Requests sent without waiting, in pieces, mixed with garbage: every one is answered,
    /// on a line of its own, though the SDK keeps dropping the half-done read of the next
    /// line to send an answer.
    #[test]
    fn pipelined_requests_in_pieces_are_all_answered_whole() {
        let mut script = String::new();
        script.push_str(
            r#"{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}"#,
        );
        script.push('\n');
        script.push_str("{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}\n");
        let n = 60;
        for i in 1..=n {
            let request = match i % 3 {
                0 => json!({"jsonrpc": "2.0", "id": i, "method": "ping"}),
                1 => json!({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                    "params": {"name": "format", "arguments": {"text": format!("action   a{i}   T1566\n")}}}),
                _ => json!({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                    "params": {"name": "check", "arguments": {"text": "flow {{{"}}}),
            };
            script.push_str(&request.to_string());
            script.push('\n');
            script.push_str("{not json\n");
        }
        let lines = run_script(script.into_bytes(), 7);
        let mut ids: Vec<i64> = lines.iter().filter_map(|l| l["id"].as_i64()).collect();
        ids.sort_unstable();
        assert_eq!(ids, (0..=n).collect::<Vec<_>>());
        let parse_errors = lines
            .iter()
            .filter(|l| l["id"].is_null() && l["error"]["code"] == -32700)
            .count();
        assert_eq!(parse_errors, n as usize);
        for l in &lines {
            if l["id"].as_i64().is_some_and(|i| i > 0 && i % 3 != 0) {
                assert_eq!(l["result"]["content"][0]["type"], "text", "{l}");
            }
        }
    }
}
