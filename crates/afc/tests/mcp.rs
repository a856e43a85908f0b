//! `afc mcp` end to end: a scripted MCP client spawns the real binary and talks to it over
//! stdio — initialize, list and call every tool, read the language reference — and sends
//! malformed requests, which must get JSON-RPC errors while the server carries on.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    next_id: u64,
}

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_afc"))
            .arg("mcp")
            .env_remove("AFC_ATTACK_BUNDLE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run afc mcp: {e}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            stdin,
            lines,
            next_id: 0,
        }
    }

    fn send_raw(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().unwrap_or_else(|| panic!("stdin closed"));
        stdin
            .write_all(format!("{text}\n").as_bytes())
            .and_then(|_| stdin.flush())
            .unwrap_or_else(|e| panic!("write: {e}"));
    }

    fn receive(&mut self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no answer from afc mcp: {e}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Sends raw text and returns the one answer.
    fn raw(&mut self, text: &str) -> Value {
        self.send_raw(text);
        self.receive()
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let answer =
            self.raw(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string());
        assert_eq!(answer["jsonrpc"], "2.0");
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let answer = self.request(method, params);
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// Calls a tool; returns its text contents and whether it flagged an error.
    fn tool(&mut self, name: &str, arguments: Value) -> (Vec<String>, bool) {
        let result = self.result("tools/call", json!({"name": name, "arguments": arguments}));
        let texts = result["content"]
            .as_array()
            .map(|c| {
                c.iter()
                    .map(|item| {
                        assert_eq!(item["type"], "text");
                        item["text"].as_str().unwrap_or_default().to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        (texts, result["isError"].as_bool().unwrap_or(true))
    }

    fn error_code(&mut self, method: &str, params: Value) -> i64 {
        let answer = self.request(method, params);
        assert!(
            answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
        answer["error"]["code"].as_i64().unwrap_or(0)
    }
}

fn root() -> std::path::PathBuf {
    af_testkit::workspace_root()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn afc(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Applies the edits of a fix (1-based lines and columns, end exclusive) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |line: u64, column: u64| -> usize {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        let line_text = text[start..].split('\n').next().unwrap_or_default();
        start
            + line_text
                .chars()
                .take(column as usize - 1)
                .map(char::len_utf8)
                .sum::<usize>()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let n = |k: &str| e[k].as_u64().unwrap_or(1);
            (
                offset(n("line"), n("column")),
                offset(n("end_line"), n("end_column")),
                e["replacement"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, with) in spans {
        out.replace_range(start..end, with);
    }
    out
}

#[test]
fn a_scripted_session_uses_every_tool() {
    let mut s = Session::start();

    // Handshake. A notification before it (some clients send one early) is dropped.
    s.send_raw(r#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#);
    let init = s.result(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
    );
    assert_eq!(init["protocolVersion"], "2025-06-18");
    assert_eq!(init["serverInfo"]["name"], "afc");
    assert!(init["capabilities"]["tools"].is_object() && init["capabilities"]["resources"].is_object());
    s.send_raw(r#"{"jsonrpc": "2.0", "method": "notifications/initialized"}"#);
    assert_eq!(s.result("ping", json!({})), json!({}));

    // Tools and resources are listed.
    let tools = s.result("tools/list", json!({}));
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        [
            "check",
            "compile",
            "format",
            "search_techniques",
            "show_technique",
            "render",
            "import"
        ]
    );
    for t in tools["tools"].as_array().into_iter().flatten() {
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        assert!(t["description"].as_str().is_some_and(|d| d.len() > 40), "{t}");
    }
    let resources = s.result("resources/list", json!({}));
    assert_eq!(resources["resources"][0]["uri"], "afc://docs/language.md");
    let doc = s.result("resources/read", json!({"uri": "afc://docs/language.md"}));
    assert_eq!(doc["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(
        doc["contents"][0]["text"].as_str(),
        Some(read("docs/language.md").as_str())
    );

    // check: diagnostics with fixes; applying the fix clears the diagnostic.
    let draft = "flow \"Draft\" {\n  scope: incident\n  created: 2026-03-02T14:00:00Z\n  description: \"d\"\n}\n\nattack-action phish T1566.002\naction login T1078\nphish -> login\n";
    let (texts, is_error) = s.tool("check", json!({"text": draft, "file_name": "draft.af"}));
    assert!(!is_error);
    let report: Value = serde_json::from_str(&texts[0]).unwrap_or_else(|e| panic!("{e}: {}", texts[0]));
    let e0104 = report["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["code"] == "E0104"))
        .unwrap_or_else(|| panic!("no E0104 in {report}"));
    assert_eq!(e0104["file"], "draft.af");
    assert_eq!(e0104["line"], 7);
    let edits = e0104["fixes"][0]["edits"].as_array().cloned().unwrap_or_default();
    assert!(!edits.is_empty(), "{e0104}");
    let fixed = apply(draft, &edits);
    let (texts, _) = s.tool("check", json!({"text": fixed}));
    let report: Value = serde_json::from_str(&texts[0]).unwrap_or_default();
    assert_eq!(report["errors"], 0, "{report}\n{fixed}");

    // compile: the same bundle as `afc compile`; wrapped in a report on request; errors.
    let example = read("examples/bec-invoice-fraud.af");
    let (texts, is_error) = s.tool("compile", json!({"text": example}));
    assert!(!is_error);
    assert_eq!(texts[0], afc(&["compile", "-"], &example));
    let (texts, _) = s.tool("compile", json!({"text": example, "wrap": "report"}));
    let bundle: Value = serde_json::from_str(&texts[0]).unwrap_or_default();
    assert_eq!(
        bundle["objects"]
            .as_array()
            .and_then(|o| o.last())
            .map(|o| &o["type"]),
        Some(&json!("report"))
    );
    let (texts, is_error) = s.tool("compile", json!({"text": "action a T9999.999\n"}));
    assert!(is_error);
    assert!(texts[0].contains("\"severity\": \"error\""), "{}", texts[0]);

    // format: what `afc fmt -` gives.
    let messy = "flow \"F\" {scope: incident, created: 2026-03-02T14:00:00Z, description: \"d\"}\naction   a   T1566\n";
    let (texts, is_error) = s.tool("format", json!({"text": messy}));
    assert!(!is_error);
    assert_eq!(texts[0], afc(&["fmt", "-"], messy));
    let (_, is_error) = s.tool("format", json!({"text": "flow {{{"}));
    assert!(is_error);

    // search_techniques and show_technique.
    let (texts, _) = s.tool(
        "search_techniques",
        json!({"query": "spearphishing link", "catalogs": ["attack"], "limit": 3}),
    );
    let found: Value = serde_json::from_str(&texts[0]).unwrap_or_default();
    assert_eq!(found["results"][0]["id"], "T1566.002", "{found}");
    assert!(found["results"].as_array().is_some_and(|r| r.len() <= 3));
    let (texts, _) = s.tool(
        "search_techniques",
        json!({"query": "prompt injection", "catalogs": ["atlas"]}),
    );
    let found: Value = serde_json::from_str(&texts[0]).unwrap_or_default();
    assert!(
        found["results"][0]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("AML.")),
        "{found}"
    );
    let (texts, is_error) = s.tool("show_technique", json!({"id": "t1566.001"}));
    assert!(!is_error);
    let shown: Value = serde_json::from_str(&texts[0]).unwrap_or_default();
    assert_eq!(shown["id"], "T1566.001");
    assert_eq!(
        texts[0].trim_end(),
        afc(&["attack", "show", "T1566.001", "--format", "json"], "").trim_end()
    );
    let (texts, is_error) = s.tool("show_technique", json!({"id": "T1566.01"}));
    assert!(is_error);
    assert!(
        texts[0].contains("T1566.001"),
        "did-you-mean expected: {}",
        texts[0]
    );

    // render: SVG and Mermaid from flow text and from a bundle.
    let (texts, is_error) = s.tool("render", json!({"text": example}));
    assert!(!is_error);
    assert!(texts[0].contains("<svg") && texts[0].trim_end().ends_with("</svg>"));
    let (texts, _) = s.tool(
        "render",
        json!({"text": example, "format": "mermaid", "direction": "lr"}),
    );
    assert_eq!(
        texts[0],
        afc(&["render", "-", "--to", "mermaid", "--direction", "lr"], &example)
    );
    let bundle_text = afc(&["compile", "-"], &example);
    let (texts, is_error) = s.tool("render", json!({"text": bundle_text, "format": "mermaid"}));
    assert!(!is_error && texts[0].contains("\nflowchart "), "{}", texts[0]);

    // import: a bundle and a Builder file.
    let (texts, is_error) = s.tool("import", json!({"text": bundle_text}));
    assert!(!is_error);
    assert!(texts[0].starts_with("flow \""), "{}", texts[0]);
    let (again, _) = s.tool("compile", json!({"text": texts[0]}));
    assert_eq!(
        af_testkit::unordered_bundle(&again[0]),
        af_testkit::unordered_bundle(&bundle_text),
        "import, compile gives the same objects"
    );
    let afb = read("crates/af-import/tests/fixtures/small.afb");
    let (texts, is_error) = s.tool("import", json!({"text": afb, "format": "afb"}));
    assert!(!is_error, "{texts:?}");
    let (checked, _) = s.tool("check", json!({"text": texts[0]}));
    assert!(checked[0].contains("\"errors\": 0"), "{}", checked[0]);
    let (texts, is_error) = s.tool("import", json!({"text": "[1, 2]"}));
    assert!(is_error && texts[0].contains("not a STIX bundle"), "{texts:?}");

    // Malformed requests get JSON-RPC errors, and the server carries on.
    assert_eq!(s.raw("{this is not json")["error"]["code"], -32700);
    assert_eq!(s.raw("[1, 2, 3]")["error"]["code"], -32600);
    assert_eq!(s.raw(r#"{"jsonrpc": "2.0", "id": 99}"#)["error"]["code"], -32600);
    assert_eq!(s.error_code("no/such/method", json!({})), -32601);
    assert_eq!(
        s.error_code("tools/call", json!({"name": "nope", "arguments": {}})),
        -32602
    );
    assert_eq!(
        s.error_code("tools/call", json!({"name": "check", "arguments": {}})),
        -32602
    );
    assert_eq!(
        s.error_code("tools/call", json!({"name": "check", "arguments": {"text": 42}})),
        -32602
    );
    assert_eq!(
        s.error_code(
            "tools/call",
            json!({"name": "render", "arguments": {"text": "x", "format": "png"}})
        ),
        -32602
    );
    assert_eq!(
        s.error_code(
            "tools/call",
            json!({"name": "search_techniques", "arguments": {"query": "x", "limit": -1}})
        ),
        -32602
    );
    assert_eq!(
        s.error_code("resources/read", json!({"uri": "file:///etc/passwd"})),
        -32002
    );
    // Hostile input to the tools is an answer, not a crash.
    for text in [
        "\u{0}\u{1}{{{[[[",
        &"(".repeat(2_000),
        "flow \"x\" { scope: incident }\n".repeat(3).as_str(),
    ] {
        for tool in ["check", "compile", "format", "render", "import"] {
            let answer = s.request("tools/call", json!({"name": tool, "arguments": {"text": text}}));
            assert!(answer["result"]["content"].is_array(), "{tool}: {answer}");
        }
    }
    let (texts, _) = s.tool("check", json!({"text": "(".repeat(2_000)}));
    let report: Value = serde_json::from_str(&texts[0]).unwrap_or_default();
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(200),
        "at most 200 shown"
    );
    assert_eq!(
        report["omitted"].as_u64(),
        report["errors"].as_u64().map(|n| n - 200)
    );
    assert_eq!(s.result("ping", json!({})), json!({}));

    // End of input ends the server cleanly.
    drop(s.stdin.take());
    let status = s.child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(0));
}

/// Protocol 2026-07-28 has no handshake: a client discovers the server, then every request
/// carries its version and capabilities in `_meta`.
#[test]
fn a_stateless_client_discovers_and_calls_without_initialize() {
    let mut s = Session::start();
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let found = s.result("server/discover", json!({"_meta": meta}));
    assert!(
        found["supportedVersions"]
            .as_array()
            .is_some_and(|v| v.contains(&json!("2026-07-28")) && v.contains(&json!("2025-06-18"))),
        "{found}"
    );
    assert!(found["capabilities"]["tools"].is_object(), "{found}");
    let (texts, is_error) = {
        let result = s.result(
            "tools/call",
            json!({"name": "show_technique", "arguments": {"id": "T1566.002"}, "_meta": meta}),
        );
        (
            result["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            result["isError"] == true,
        )
    };
    assert!(!is_error && texts.contains("\"T1566.002\""), "{texts}");
    // Without the metadata the request is refused with a reason, and the server carries on.
    assert_eq!(s.error_code("tools/list", json!({})), -32602);
    let tools = s.result("tools/list", json!({"_meta": meta}));
    assert_eq!(tools["tools"].as_array().map(Vec::len), Some(7));
    drop(s.stdin.take());
    let status = s.child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(0));
}

/// An answer that cannot be written (standard output is a full disk) ends the server with
/// exit 2 and the reason, not a panic or a silent 0.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error_exit() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap_or_else(|e| panic!("/dev/full: {e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_afc"))
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}\n");
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("No space left on device") && !stderr.contains("panicked"),
        "{stderr}"
    );
}
