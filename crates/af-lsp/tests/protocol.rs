//! The protocol side of the server, driven through JSON-RPC: framing errors and recovery, the
//! session's end, settings as real clients send them, and scheduling (what waits for a
//! document's check and what does not).

mod common;

use common::{fixture, uri, Client};
use serde_json::{json, Value};

const HEADER: &str = "flow \"Protocol\" {\n  scope: incident\n  created: 2026-03-02T14:00:00Z\n  description: \"Framing and settings.\"\n}\n";

fn labels(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn request(id: i64, method: &str, params: Value) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()
}

async fn symbols_answered(c: &mut Client, id: i64) {
    let r = c.response_to(json!(id)).await;
    assert_eq!(r["result"], json!([]), "{r}");
}

#[tokio::test]
async fn a_content_length_too_large_is_answered_and_the_next_message_is_read() {
    let mut c = Client::initialized(json!(null)).await;
    let first = request(1001, "workspace/symbol", json!({ "query": "" }));
    let second = request(1002, "workspace/symbol", json!({ "query": "" }));
    // The first frame claims 10 bytes more than it has: they are the next frame's header.
    let bytes = format!(
        "Content-Length: {}\r\n\r\n{first}Content-Length: {}\r\n\r\n{second}",
        first.len() + 10,
        second.len()
    );
    c.send_bytes(bytes.as_bytes()).await;
    let err = c.response_to(Value::Null).await;
    assert_eq!(err["error"]["code"], -32700, "{err}");
    symbols_answered(&mut c, 1002).await;
    // And the stream stays in step.
    let s = c.call("workspace/symbol", json!({ "query": "" })).await;
    assert_eq!(s, json!([]));
}

#[tokio::test]
async fn a_content_length_too_small_is_answered_and_the_next_message_is_read() {
    let mut c = Client::initialized(json!(null)).await;
    let first = request(1001, "workspace/symbol", json!({ "query": "" }));
    let second = request(1002, "workspace/symbol", json!({ "query": "" }));
    let bytes = format!(
        "Content-Length: {}\r\n\r\n{first}Content-Length: {}\r\n\r\n{second}",
        first.len() - 10,
        second.len()
    );
    c.send_bytes(bytes.as_bytes()).await;
    let err = c.response_to(Value::Null).await;
    assert_eq!(err["error"]["code"], -32700, "{err}");
    symbols_answered(&mut c, 1002).await;
}

#[tokio::test]
async fn a_header_line_without_end_is_cut_short_and_reading_goes_on() {
    let mut c = Client::initialized(json!(null)).await;
    // A megabyte without a line break: one parse error, not a megabyte of buffered header.
    let junk = "x".repeat(1 << 20);
    c.send_bytes(junk.as_bytes()).await;
    let next = request(1003, "workspace/symbol", json!({ "query": "" }));
    c.send_raw(&next).await;
    let err = c.response_to(Value::Null).await;
    assert_eq!(err["error"]["code"], -32700, "{err}");
    symbols_answered(&mut c, 1003).await;
}

#[tokio::test]
async fn exit_without_shutdown_exits_1_and_after_shutdown_exits_0() {
    let mut c = Client::initialized(json!(null)).await;
    c.notify("exit", Value::Null).await;
    assert_eq!(c.exit_code().await, 1);

    let mut c = Client::initialized(json!(null)).await;
    let r = c.request("shutdown", Value::Null).await;
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null).await;
    assert_eq!(c.exit_code().await, 0);
}

#[tokio::test]
async fn the_settings_vs_code_sends_by_default_offer_every_catalog() {
    // The extension's defaults: no bundle, `catalogs: []` ("all of them"), no warnings as errors.
    let defaults = json!({ "afc": { "attackBundle": null, "catalogs": [], "warningsAsErrors": false } });
    let mut c = Client::initialized(defaults.clone()).await;
    let (text, pos) = fixture(&format!("{HEADER}action x T156$0\n"));
    c.open("d.af", &text).await;
    let r = c.call("textDocument/completion", Client::at("d.af", &pos)).await;
    assert!(labels(&r).contains(&"T1566".to_string()), "{r}");
    // Also when they come later, pushed.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": defaults }),
    )
    .await;
    let (text, pos) = fixture("action y AML.T005$0\n");
    c.open("e.af", &text).await;
    let r = c.call("textDocument/completion", Client::at("e.af", &pos)).await;
    assert!(labels(&r).iter().any(|l| l.starts_with("AML.T005")), "{r}");
}

#[tokio::test]
async fn null_configuration_is_no_settings_not_an_error() {
    // What Eglot does: push nothing, then answer the server's pull with `[null]`.
    let mut c = Client::initialized(json!(null)).await;
    // T1073 is revoked: a warning, an error once warnings are errors.
    let d = c
        .open(
            "n.af",
            &format!("{HEADER}action a T1566\naction b T1073\na -> b\n"),
        )
        .await;
    assert!(d["diagnostics"].to_string().contains("\"severity\":2"), "{d}");
    c.notify("workspace/didChangeConfiguration", json!({ "settings": null }))
        .await;
    let pulled = c.server_request("workspace/configuration").await;
    assert_eq!(pulled["items"][0]["section"], "afc");
    // A few round trips later, still no message for the user.
    for _ in 0..3 {
        c.call("workspace/symbol", json!({ "query": "" })).await;
    }
    let shown: Vec<&Value> = c
        .inbox
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .collect();
    assert!(shown.is_empty(), "{shown:?}");
    // Settings that do come are applied: the document is checked again with them.
    c.configuration = json!([{ "warningsAsErrors": true }]);
    c.notify("workspace/didChangeConfiguration", json!({ "settings": {} }))
        .await;
    c.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri("n.af").as_str() && p["diagnostics"].to_string().contains("\"severity\":1")
    })
    .await;
    assert!(!c.inbox.iter().any(|m| m["method"] == "window/showMessage"));
}

#[tokio::test]
async fn completion_does_not_wait_for_the_documents_check() {
    let mut c = Client::initialized(json!(null)).await;
    let held = c.call("afc/debugChecks", json!({ "held": true })).await;
    assert_eq!(held["full"], 0, "{held}");
    let (text, pos) = fixture(&format!(
        "{HEADER}action a T1566\naction b T1078\na -> b\naction x T156$0\n"
    ));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri("h.af"), "languageId": "afc", "version": 1, "text": text } }),
    )
    .await;
    // The check is held back, so the document has no full snapshot; completion answers anyway.
    let r = c.call("textDocument/completion", Client::at("h.af", &pos)).await;
    assert!(labels(&r).contains(&"T1566.001".to_string()), "{r}");
    let r = c.call("textDocument/completion", Client::at("h.af", &pos)).await;
    assert!(labels(&r).contains(&"T1566.001".to_string()), "{r}");
    let counts = c.call("afc/debugChecks", json!({})).await;
    assert_eq!(counts, json!({ "full": 0, "syntax": 1 }));
    c.call("afc/debugChecks", json!({ "held": false })).await;
    c.diagnostics_for("h.af", 1).await;
    // Once the check is done, completion uses its snapshot.
    c.call("textDocument/completion", Client::at("h.af", &pos)).await;
    let counts = c.call("afc/debugChecks", json!({})).await;
    assert_eq!(counts, json!({ "full": 1, "syntax": 1 }));
}

#[tokio::test]
async fn a_burst_of_edits_is_checked_once_on_the_newest_text() {
    let mut c = Client::initialized(json!(null)).await;
    c.open("b.af", &format!("{HEADER}action a T1566\n")).await;
    let before = c.call("afc/debugChecks", json!({ "held": true })).await;
    let line = HEADER.lines().count() + 1;
    for version in 2..=101 {
        let at = json!({ "line": line, "character": 0 });
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri("b.af"), "version": version },
                    "contentChanges": [{ "range": { "start": at, "end": at }, "text": format!("n{version} -> a\n") }] }),
        )
        .await;
    }
    c.call("afc/debugChecks", json!({ "held": false })).await;
    let d = c.diagnostics_for("b.af", 101).await;
    assert!(d["diagnostics"].to_string().contains("n101"), "{d}");
    let after = c.call("afc/debugChecks", json!({})).await;
    let full = |v: &Value| v["full"].as_u64().unwrap_or_default();
    // One check of the newest version (and at most one of a version before it that was
    // already waiting when the edits began), never one per edit.
    assert!(full(&after) - full(&before) <= 2, "{before} → {after}");
    assert!(
        !c.inbox
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri("b.af").as_str()
                && m["params"]["version"]
                    .as_i64()
                    .is_some_and(|v| (2..101).contains(&v))),
        "diagnostics of replaced versions were published"
    );
}

#[test]
fn settings_json_that_means_no_settings() {
    use af_lsp::Settings;
    for nothing in [
        json!(null),
        json!({}),
        json!({ "afc": null }),
        json!({ "afc": {} }),
        json!([null]),
    ] {
        assert!(Settings::from_json(&nothing).is_none(), "{nothing}");
    }
    let bare = Settings::from_json(&json!({ "catalogs": [] }));
    assert!(
        matches!(bare, Some(Ok(Settings { catalogs: Some(ref c), .. })) if c.is_empty()),
        "{bare:?}"
    );
    let wrapped = Settings::from_json(&json!({ "afc": { "warningsAsErrors": true } }));
    assert!(
        matches!(
            wrapped,
            Some(Ok(Settings {
                warnings_as_errors: Some(true),
                ..
            }))
        ),
        "{wrapped:?}"
    );
    // Real mistakes are still reported.
    for wrong in [json!({ "afc": 5 }), json!({ "afc": { "catalogs": "attack" } })] {
        assert!(matches!(Settings::from_json(&wrong), Some(Err(_))), "{wrong}");
    }
}
