//! `afc mcp`: a Model Context Protocol server on standard input and output, for AI assistants
//! that draft flows: tools to check, compile, format, render and import flows and to look up
//! techniques, and the language reference as a resource. See docs/mcp.md.
//!
//! The transport is MCP's stdio transport: one JSON-RPC 2.0 message per line in each
//! direction, nothing else on standard output (logs go to standard error). The protocol
//! layer is written here rather than taken from the `rmcp` SDK: the server needs the
//! request/response core only (initialize, ping, tools, resources), which is a few hundred
//! lines over `serde_json`, while `rmcp` would add some 25 crates (schemars and its derive
//! macros, chrono, a SHA-2 stack, thiserror, …) to every build of `afc`.
//!
//! Malformed input never ends the server: bad JSON gets a parse error (-32700), a message
//! that is not a request an invalid-request error (-32600), an unknown method -32601, bad
//! parameters -32602, an unknown resource -32002; a tool that fails on its input answers
//! with `isError: true` and the reason, as MCP asks. A panic inside a tool (a bug) is caught
//! and answered with an internal error (-32603).

mod tools;

use serde_json::{json, Map, Value};
use std::io::{BufRead, Read, Write};

/// The protocol versions this server speaks, newest first.
const VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// The longest message read; longer lines are skipped with a parse error.
const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// A JSON-RPC error.
#[derive(Debug)]
pub(crate) struct RpcError {
    code: i64,
    message: String,
}

impl RpcError {
    pub(crate) fn invalid_params(message: impl Into<String>) -> RpcError {
        RpcError {
            code: -32602,
            message: message.into(),
        }
    }
}

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
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match serve(stdin.lock(), stdout.lock()) {
        Ok(()) => crate::output::OK,
        Err(e) => {
            crate::output::fail(format!("afc mcp: {e}"));
            crate::output::USAGE
        }
    }
}

/// Reads messages from `input` and writes the answers to `output`, one per line.
pub fn serve(mut input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = Read::take(&mut input, MAX_MESSAGE_BYTES as u64 + 1).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        let answer = if line.len() > MAX_MESSAGE_BYTES && !line.ends_with(b"\n") {
            // Skip the rest of the oversized line.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                let m = Read::take(&mut input, 1 << 20).read_until(b'\n', &mut rest)?;
                if m == 0 || rest.ends_with(b"\n") {
                    break;
                }
            }
            Some(error(
                Value::Null,
                -32700,
                format!("message larger than {} MiB", MAX_MESSAGE_BYTES >> 20),
            ))
        } else {
            match std::str::from_utf8(&line) {
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) => handle(text),
                Err(_) => Some(error(Value::Null, -32700, "message is not UTF-8".into())),
            }
        };
        if let Some(answer) = answer {
            let mut text = serde_json::to_string(&answer).unwrap_or_default();
            text.push('\n');
            output.write_all(text.as_bytes())?;
            output.flush()?;
        }
    }
}

fn error(id: Value, code: i64, message: String) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// The answer to one message, `None` for a notification.
pub(crate) fn handle(text: &str) -> Option<Value> {
    let message: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Some(error(Value::Null, -32700, format!("parse error: {e}"))),
    };
    let Value::Object(message) = message else {
        let what = if message.is_array() {
            "batches are not supported; send one request per line"
        } else {
            "a request is a JSON object"
        };
        return Some(error(Value::Null, -32600, what.into()));
    };
    let id = match message.get("id") {
        None => None,
        Some(v @ (Value::String(_) | Value::Number(_))) => Some(v.clone()),
        Some(_) => {
            return Some(error(
                Value::Null,
                -32600,
                "`id` must be a string or a number".into(),
            ))
        }
    };
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some(error(
            id.unwrap_or(Value::Null),
            -32600,
            "`jsonrpc` must be \"2.0\"".into(),
        ));
    }
    let Some(method) = message.get("method").and_then(Value::as_str) else {
        // A response from the client (to a request this server never sends) or garbage.
        return id.map(|id| error(id, -32600, "a request needs a `method`".into()));
    };
    let params = match message.get("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(_) => {
            return id.map(|id| error(id, -32602, "`params` must be an object".into()));
        }
    };
    // Notifications (initialized, cancelled, progress, …) need no answer.
    let id = id?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(method, &params)))
        .unwrap_or_else(|_| {
            Err(RpcError {
                code: -32603,
                message: format!("internal error in `{method}` (a bug in afc; please report it)"),
            })
        });
    Some(match result {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(e) => error(id, e.code, e.message),
    })
}

fn dispatch(method: &str, params: &Map<String, Value>) -> Result<Value, RpcError> {
    match method {
        "initialize" => {
            let asked = params
                .get("protocolVersion")
                .and_then(Value::as_str)
                .ok_or_else(|| RpcError::invalid_params("`protocolVersion` is required"))?;
            let version = VERSIONS.iter().find(|v| **v == asked).unwrap_or(&VERSIONS[0]);
            Ok(json!({
                "protocolVersion": version,
                "capabilities": {
                    "tools": {"listChanged": false},
                    "resources": {"listChanged": false, "subscribe": false},
                },
                "serverInfo": {"name": "afc", "title": "afc — Attack Flows as code", "version": env!("CARGO_PKG_VERSION")},
                "instructions": INSTRUCTIONS,
            }))
        }
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({"tools": tools::list()})),
        "tools/call" => {
            let name = params
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| RpcError::invalid_params("`name` is required"))?;
            let args = match params.get("arguments") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(a)) => a.clone(),
                Some(_) => return Err(RpcError::invalid_params("`arguments` must be an object")),
            };
            tools::call(name, &args)
        }
        "resources/list" => Ok(json!({
            "resources": RESOURCES
                .iter()
                .map(|(uri, name, description, _)| json!({
                    "uri": uri, "name": name, "description": description, "mimeType": "text/markdown"
                }))
                .collect::<Vec<_>>()
        })),
        "resources/templates/list" => Ok(json!({"resourceTemplates": []})),
        "resources/read" => {
            let uri = params
                .get("uri")
                .and_then(Value::as_str)
                .ok_or_else(|| RpcError::invalid_params("`uri` is required"))?;
            let (uri, _, _, text) = RESOURCES.iter().find(|r| r.0 == uri).ok_or_else(|| RpcError {
                code: -32002,
                message: format!(
                    "resource not found: {uri} (there are {})",
                    RESOURCES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
                ),
            })?;
            Ok(json!({"contents": [{"uri": uri, "mimeType": "text/markdown", "text": text}]}))
        }
        other => Err(RpcError {
            code: -32601,
            message: format!("method not found: {other}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(text: &str) -> Value {
        handle(text).unwrap_or(Value::Null)
    }

    #[test]
    fn malformed_messages_get_json_rpc_errors() {
        let code = |v: Value| v["error"]["code"].as_i64();
        assert_eq!(code(ask("{oops")), Some(-32700));
        assert_eq!(code(ask("[]")), Some(-32600));
        assert_eq!(code(ask("42")), Some(-32600));
        assert_eq!(code(ask(r#"{"jsonrpc": "2.0", "id": 1}"#)), Some(-32600));
        assert_eq!(
            code(ask(r#"{"jsonrpc": "1.0", "id": 1, "method": "ping"}"#)),
            Some(-32600)
        );
        assert_eq!(
            code(ask(r#"{"jsonrpc": "2.0", "id": {}, "method": "ping"}"#)),
            Some(-32600)
        );
        assert_eq!(
            code(ask(r#"{"jsonrpc": "2.0", "id": 1, "method": "nope"}"#)),
            Some(-32601)
        );
        assert_eq!(
            code(ask(
                r#"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": []}"#
            )),
            Some(-32602)
        );
        assert_eq!(
            code(ask(
                r#"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}"#
            )),
            Some(-32602)
        );
        assert_eq!(
            code(ask(
                r#"{"jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": {"uri": "afc://nope"}}"#
            )),
            Some(-32002)
        );
        // Notifications get no answer, known or not.
        assert_eq!(
            handle(r#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#),
            None
        );
        assert_eq!(handle(r#"{"jsonrpc": "2.0", "method": "whatever"}"#), None);
    }

    #[test]
    fn the_version_is_the_clients_when_known() {
        let v = ask(
            r#"{"jsonrpc": "2.0", "id": "a", "method": "initialize", "params": {"protocolVersion": "2025-03-26"}}"#,
        );
        assert_eq!(v["id"], "a");
        assert_eq!(v["result"]["protocolVersion"], "2025-03-26");
        let v = ask(
            r#"{"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"protocolVersion": "1999-01-01"}}"#,
        );
        assert_eq!(v["result"]["protocolVersion"], VERSIONS[0]);
    }

    #[test]
    fn oversized_and_blank_lines_do_not_stop_the_server() {
        let mut input = Vec::new();
        input.extend_from_slice(b"\n   \n");
        input.extend(std::iter::repeat_n(b'x', MAX_MESSAGE_BYTES + 10));
        input.extend_from_slice(b"\n{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"ping\"}\n");
        input.extend_from_slice(b"\xff\xfe\n");
        let mut out = Vec::new();
        assert!(serve(&input[..], &mut out).is_ok());
        let lines: Vec<Value> = String::from_utf8_lossy(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["error"]["code"], -32700);
        assert_eq!(lines[1]["result"], json!({}));
        assert_eq!(lines[1]["id"], 7);
        assert_eq!(lines[2]["error"]["code"], -32700);
    }
}
