//! The language server driven through JSON-RPC messages, one test per feature, with `$0`
//! cursor markers in fixtures and insta snapshots of the answers.

mod common;

use common::{apply_edits, fixture, pos_of, uri, Client};
use serde_json::{json, Value};
use std::fmt::Write;

const HEADER: &str = "flow \"Blog compromise\" {\n  scope: incident\n  created: 2026-03-02T14:00:00Z\n  description: \"A look-alike domain leads to a stolen login.\"\n}\n";

fn doc(body: &str) -> String {
    format!("{HEADER}{body}")
}

/// One line per completion item: label, detail, tags.
fn render_completions(result: &Value, limit: usize) -> String {
    let items = result["items"].as_array().cloned().unwrap_or_default();
    let mut s = format!("{} items\n", items.len());
    for i in items.iter().take(limit) {
        let _ = write!(s, "{}", i["label"].as_str().unwrap_or_default());
        if let Some(d) = i["detail"].as_str() {
            let _ = write!(s, " — {d}");
        }
        if i["tags"].as_array().is_some_and(|t| t.contains(&json!(1))) {
            s.push_str(" [deprecated]");
        }
        s.push('\n');
    }
    s
}

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

async fn complete(c: &mut Client, name: &str, src: &str) -> Value {
    let (text, pos) = fixture(src);
    c.open(name, &text).await;
    c.call("textDocument/completion", Client::at(name, &pos)).await
}

#[tokio::test]
async fn diagnostics_have_codes_links_related_information_and_versions() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action phish T1566.01 \"Send the mail\"\naction phish T1078\nphsh -> phish\n");
    let d = c.open("a.af", &text).await;
    assert_eq!(d["version"], 1);
    insta::assert_json_snapshot!("diagnostics", d);
}

#[tokio::test]
async fn changes_publish_the_diagnostics_of_their_own_version() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action a T1566\naction b T1078\na -> b\n");
    let first = c.open("v.af", &text).await;
    assert_eq!(first["diagnostics"], json!([]));
    // Three quick edits, incremental: break the edge, fix it, break it again differently.
    let edge_line = text.lines().count() - 1;
    let edits = [("a -> x", 2), ("a -> b", 3), ("a -> y", 4)];
    for (new, version) in edits {
        let range = json!({ "start": { "line": edge_line, "character": 0 }, "end": { "line": edge_line, "character": 6 } });
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri("v.af"), "version": version },
                    "contentChanges": [{ "range": range, "text": new }] }),
        )
        .await;
    }
    let last = c.diagnostics_for("v.af", 4).await;
    let messages: Vec<&str> = last["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["message"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        messages.iter().any(|m| m.starts_with("`y` is not declared")),
        "{messages:?}"
    );
    // Whatever earlier versions were published carry their own version's findings.
    for m in c
        .inbox
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
    {
        let v = m["params"]["version"].as_i64().unwrap_or_default();
        let text = m["params"]["diagnostics"].to_string();
        match v {
            2 => assert!(text.contains("`x` is not declared"), "{text}"),
            3 => assert_eq!(m["params"]["diagnostics"], json!([])),
            _ => {}
        }
        assert!(v <= 4);
    }
    // The server's text is the edited one.
    let stix = c.call("afc/compiledStix", json!({ "uri": uri("v.af") })).await;
    assert!(stix["stix"].is_null());
    assert!(stix["diagnostics"].to_string().contains("`y` is not declared"));
}

#[tokio::test]
async fn closing_clears_diagnostics() {
    let mut c = Client::initialized(json!(null)).await;
    let d = c.open("c.af", "action a T1566\n").await;
    assert!(!d["diagnostics"].as_array().is_some_and(Vec::is_empty));
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri("c.af") } }),
    )
    .await;
    let cleared = c
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri("c.af").as_str() && p["diagnostics"] == json!([])
        })
        .await;
    assert!(cleared.get("version").is_none_or(Value::is_null));
    let h = c
        .call(
            "textDocument/hover",
            Client::at("c.af", &json!({ "line": 0, "character": 10 })),
        )
        .await;
    assert!(h.is_null());
}

#[tokio::test]
async fn completion_of_technique_ids() {
    let mut c = Client::initialized(json!(null)).await;
    let r = complete(&mut c, "t.af", &doc("action x T156$0\n")).await;
    let edit = &r["items"][0]["textEdit"];
    // The edit replaces the typed `T156`.
    assert_eq!(edit["range"]["start"]["character"], 9);
    assert_eq!(edit["range"]["end"]["character"], 13);
    insta::assert_snapshot!("complete_t156", render_completions(&r, 12));

    let r = complete(&mut c, "p.af", &doc("action x phish$0\n")).await;
    let l = labels(&r);
    for id in ["T1566", "T1566.001", "T1566.002", "T1566.003", "T1566.004"] {
        assert!(l.contains(&id.to_string()), "{id} missing from {l:?}");
    }
    let t1566 = r["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "T1566"))
        .cloned();
    let filter = t1566.map(|i| i["filterText"].clone()).unwrap_or_default();
    assert_eq!(filter, "T1566 Phishing");
    insta::assert_snapshot!("complete_phish", render_completions(&r, 8));
}

#[tokio::test]
async fn completion_of_tactics_names_keys_values_kinds_and_snippets() {
    let mut c = Client::initialized(json!(null)).await;
    let body =
        "asset laptop \"Laptop\"\nprocess cmd \"powershell -enc …\"\ncondition got \"Holds a password\"\n";
    let mut out = String::new();
    let cases = [
        ("tactic", format!("action x T1566 {{ tactic: $0 }}\n{body}"), 6),
        (
            "asset_refs",
            format!("action x T1566 {{ asset_refs: [$0] }}\n{body}"),
            10,
        ),
        (
            "command_ref",
            format!("action x T1566 {{ command_ref: $0 }}\n{body}"),
            10,
        ),
        ("edge", format!("action x T1566\n{body}x -> $0\n"), 10),
        ("keys", format!("action x T1566 {{\n  conf$0\n}}\n{body}"), 10),
        ("scope", "flow \"F\" { scope: $0 }\n".to_string(), 10),
        (
            "confidence",
            format!("action x T1566 {{ confidence: very$0 }}\n{body}"),
            10,
        ),
        (
            "identity_class",
            "identity i \"I\" { identity_class: $0 }\n".to_string(),
            10,
        ),
        (
            "malware_types",
            "malware m \"M\" { malware_types: [ran$0] }\n".to_string(),
            10,
        ),
        ("tlp", "flow \"F\" { marking: $0 }\n".to_string(), 10),
        ("operator", "operator both $0\n".to_string(), 10),
        ("statement start", "$0".to_string(), 8),
    ];
    for (i, (name, src, limit)) in cases.iter().enumerate() {
        let r = complete(&mut c, &format!("k{i}.af"), src).await;
        let _ = writeln!(out, "## {name}\n{}", render_completions(&r, *limit));
    }
    insta::assert_snapshot!("complete_contexts", out);
}

#[tokio::test]
async fn completion_snippets_are_snippets() {
    let mut c = Client::initialized(json!(null)).await;
    let r = complete(&mut c, "s.af", "$0").await;
    let snippets: Vec<&Value> = r["items"]
        .as_array()
        .map(|a| a.iter().filter(|i| i["insertTextFormat"] == 2).collect())
        .unwrap_or_default();
    let texts: Vec<&str> = snippets
        .iter()
        .filter_map(|i| i["textEdit"]["newText"].as_str())
        .collect();
    insta::assert_snapshot!("snippets", texts.join("\n---\n"));
}

#[tokio::test]
async fn hover_on_techniques_names_and_keys() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action phish T1566.002 \"Send the link\" {\n  tactic: TA0001\n  asset_refs: [account]\n}\nasset account \"Employee account\"\naction login T1078\nphish -> login\n");
    c.open("h.af", &text).await;
    let mut out = String::new();
    for (what, needle, delta) in [
        ("technique", "T1566.002", 3),
        ("node", "login\n", 2),
        ("referenced node", "account]", 1),
        ("key", "asset_refs", 4),
        ("tactic", "TA0001", 2),
        ("nothing", "Send the", 2),
    ] {
        let offset = text.find(needle).map(|o| o + delta).unwrap_or_default();
        let h = c
            .call("textDocument/hover", Client::at("h.af", &pos_of(&text, offset)))
            .await;
        let _ = writeln!(
            out,
            "## {what}\n{}\n",
            h["contents"]["value"].as_str().unwrap_or("(none)")
        );
    }
    insta::assert_snapshot!("hover", out);
}

#[tokio::test]
async fn definition_references_highlights_with_non_ascii_text() {
    let mut c = Client::initialized(json!(null)).await;
    // Titles with non-ASCII text before names on the same line shift UTF-16 columns.
    let text = doc("asset café \"Café 😀 laptop\" { }\naction a T1566 \"Ünïcode 😀\" { asset_refs: [café] }\naction b T1078\na -> b\n");
    let d = c.open("d.af", &text).await;
    assert!(
        d["diagnostics"].to_string().contains("E0"),
        "non-ASCII names are invalid: {d}"
    );
    let text = doc("asset laptop \"Café 😀 laptop\"\naction a T1566 \"Ünïcode 😀\" { asset_refs: [laptop] }\naction b T1078\na -> b\n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri("d.af"), "version": 2 }, "contentChanges": [{ "text": text }] }),
    )
    .await;
    let use_at = text.find("[laptop]").map(|o| o + 3).unwrap_or_default();
    let use_start = use_at - 2;
    let def = c
        .call(
            "textDocument/definition",
            Client::at("d.af", &pos_of(&text, use_at)),
        )
        .await;
    let decl = text.find("laptop \"").unwrap_or_default();
    assert_eq!(def["range"]["start"], pos_of(&text, decl));
    assert_eq!(def["range"]["end"], pos_of(&text, decl + 6));
    let mut params = Client::at("d.af", &pos_of(&text, decl));
    params["context"] = json!({ "includeDeclaration": true });
    let refs = c.call("textDocument/references", params).await;
    let starts: Vec<Value> = refs
        .as_array()
        .map(|a| a.iter().map(|l| l["range"]["start"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(starts, [pos_of(&text, decl), pos_of(&text, use_start)]);
    // The use sits after "Ünïcode 😀": its UTF-16 column counts the emoji as two units.
    let line = &text[text[..use_at].rfind('\n').map_or(0, |p| p + 1)..use_start];
    assert_eq!(starts[1]["character"], line.encode_utf16().count());
    assert_ne!(line.encode_utf16().count(), line.len());
    let hl = c
        .call(
            "textDocument/documentHighlight",
            Client::at("d.af", &pos_of(&text, use_at)),
        )
        .await;
    let kinds: Vec<Value> = hl
        .as_array()
        .map(|a| a.iter().map(|h| h["kind"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, [json!(3), json!(2)]);
}

#[tokio::test]
async fn rename_everywhere_and_reject_bad_names() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action phish T1566 { asset_refs: [laptop] }\nasset laptop \"Laptop\"\naction login T1078\nphish -> login\nlogin -[related-to]-> laptop\n");
    c.open("r.af", &text).await;
    let at = pos_of(&text, text.find("laptop]").unwrap_or_default() + 1);
    let prep = c
        .call("textDocument/prepareRename", Client::at("r.af", &at))
        .await;
    assert_eq!(prep["placeholder"], "laptop");
    let none = c
        .call(
            "textDocument/prepareRename",
            Client::at("r.af", &pos_of(&text, text.find("T1566").unwrap_or_default())),
        )
        .await;
    assert!(none.is_null());
    let mut params = Client::at("r.af", &at);
    params["newName"] = json!("workstation");
    let edit = c.call("textDocument/rename", params.clone()).await;
    let renamed = apply_edits(&text, &edit["changes"][uri("r.af")]);
    insta::assert_snapshot!("rename", renamed);
    for bad in ["work-station", "flow", "9lives", "login", ""] {
        params["newName"] = json!(bad);
        let r = c.request("textDocument/rename", params.clone()).await;
        assert!(r.get("error").is_some(), "renaming to {bad:?} should fail: {r}");
        assert!(
            r["error"]["message"].as_str().is_some_and(|m| m.contains(bad)),
            "{r}"
        );
    }
}

#[tokio::test]
async fn outline_and_workspace_symbols() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action phish T1566.002\nasset laptop \"Laptop\"\naction login T1078 \"Log in\"\nmalware kit \"Phish kit\" { is_family: false }\nphish -> login\n");
    c.open("o.af", &text).await;
    c.open(
        "o2.af",
        "flow \"Other\" { scope: campaign }\naction phone T1566.004\n",
    )
    .await;
    let syms = c
        .call(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri("o.af") } }),
        )
        .await;
    insta::assert_json_snapshot!("document_symbols", syms);
    let found = c.call("workspace/symbol", json!({ "query": "ph" })).await;
    let mut names: Vec<(String, String)> = found
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["name"].as_str().unwrap_or_default().to_string(),
                        s["location"]["uri"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(
        names,
        [
            ("kit".to_string(), uri("o.af")),
            ("phish".to_string(), uri("o.af")),
            ("phone".to_string(), uri("o2.af"))
        ]
    );
}

/// Decodes relative semantic tokens into `line:col text type` lines.
fn render_tokens(text: &str, data: &[u64], legend: &[String]) -> String {
    let lines: Vec<Vec<u16>> = text.split('\n').map(|l| l.encode_utf16().collect()).collect();
    let (mut line, mut col) = (0usize, 0usize);
    let mut out = String::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0] as usize;
            col = t[1] as usize;
        } else {
            col += t[1] as usize;
        }
        let piece = lines
            .get(line)
            .and_then(|l| l.get(col..col + t[2] as usize))
            .map(String::from_utf16_lossy)
            .unwrap_or_default();
        let ty = legend.get(t[3] as usize).cloned().unwrap_or_default();
        let _ = writeln!(out, "{line}:{col} {piece:?} {ty} {}", t[4]);
    }
    out
}

#[tokio::test]
async fn semantic_tokens_classify_the_document() {
    let mut c = Client::initialized(json!(null)).await;
    let init = c.request("initialize", json!({ "capabilities": {} })).await;
    assert!(init.get("error").is_some(), "a second initialize is refused");
    let text = "# A flow\nflow \"F\" {\n  scope: incident\n  description: \"\"\"\n    two\n    lines\n  \"\"\"\n}\naction a T1073 \"Ü 😀\" { confidence: 90, asset_refs: [h] }\nasset h \"H\"\na -[related-to]-> h\n";
    c.open("st.af", text).await;
    let r = c
        .call(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri("st.af") } }),
        )
        .await;
    let data: Vec<u64> = r["data"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let legend: Vec<String> = af_lsp::semantic::TokenType::LEGEND
        .iter()
        .map(|s| s.to_string())
        .collect();
    insta::assert_snapshot!("semantic_tokens", render_tokens(text, &data, &legend));
}

#[tokio::test]
async fn formatting_uses_the_formatter() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action   a T1566 {tactic: TA0001, asset_refs: [h]}\nasset h \"H\"\n");
    c.open("f.af", &text).await;
    let params =
        json!({ "textDocument": { "uri": uri("f.af") }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = c.call("textDocument/formatting", params.clone()).await;
    let formatted = apply_edits(&text, &edits);
    assert_eq!(
        af_fmt::format_source(&text).ok().as_deref(),
        Some(formatted.as_str())
    );
    assert_ne!(formatted, text);
    // A file with syntax errors is left alone.
    c.open("g.af", "action a {\n").await;
    let params =
        json!({ "textDocument": { "uri": uri("g.af") }, "options": { "tabSize": 2, "insertSpaces": true } });
    assert!(c.call("textDocument/formatting", params).await.is_null());
}

#[tokio::test]
async fn folding_ranges_and_inlay_hints() {
    let mut c = Client::initialized(json!(null)).await;
    let text = "# one\n# two\nflow \"F\" {\n  scope: incident\n  description: \"\"\"\n    a\n    b\n  \"\"\"\n}\naction a T1566.002 {\n  tactic: TA0001\n  asset_refs: [\n    h\n  ]\n}\nasset h \"H\"\naction b T1078\n";
    c.open("fo.af", text).await;
    let folds = c
        .call(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri("fo.af") } }),
        )
        .await;
    insta::assert_json_snapshot!("folding", folds);
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 17, "character": 0 } });
    let hints = c
        .call(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri("fo.af") }, "range": range }),
        )
        .await;
    insta::assert_json_snapshot!("inlay_hints", hints);
}

#[tokio::test]
async fn quick_fixes() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action phish T1566.01 { asset_refs: [laptop], confidnce: 50 }\naction old T1073\naction login T1078\naction mail T1566.002 { tactic: TA0002 }\nphsh -> login\nphish -> old -> mail\nmalware lonely \"Lonely\" { is_family: false }\n");
    c.open("q.af", &text).await;
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 20, "character": 0 } });
    let params =
        json!({ "textDocument": { "uri": uri("q.af") }, "range": whole, "context": { "diagnostics": [] } });
    let actions = c.call("textDocument/codeAction", params).await;
    let mut out = String::new();
    for a in actions.as_array().cloned().unwrap_or_default() {
        // Technique suggestions on the flow header are refactorings (tests/defend.rs).
        if a["kind"] == "refactor" {
            continue;
        }
        let code = a["diagnostics"][0]["code"].as_str().unwrap_or("-").to_string();
        let edits = &a["edit"]["changes"][uri("q.af")];
        let fixed = apply_edits(&text, edits);
        let added: Vec<&str> = fixed.lines().filter(|l| !text.lines().any(|t| t == *l)).collect();
        let removed: Vec<&str> = text.lines().filter(|l| !fixed.lines().any(|t| t == *l)).collect();
        let _ = writeln!(
            out,
            "{code} {}{} => -{removed:?} +{added:?}",
            a["title"].as_str().unwrap_or_default(),
            if a["isPreferred"] == true {
                " (preferred)"
            } else {
                ""
            }
        );
        assert_eq!(a["kind"], "quickfix");
    }
    insta::assert_snapshot!("quick_fixes", out);
}

#[tokio::test]
async fn compiled_stix_request_and_command() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action phish T1566.002\naction login T1078\nphish -> login\n");
    c.open("x.af", &text).await;
    let r = c.call("afc/compiledStix", json!({ "uri": uri("x.af") })).await;
    let stix = r["stix"].as_str().unwrap_or_default();
    let expected = af_compile::compile_str(&text, &af_compile::Options::default()).to_json();
    assert_eq!(stix, expected);
    assert_eq!(r["diagnostics"], json!([]));
    let cmd = c
        .call(
            "workspace/executeCommand",
            json!({ "command": "afc.showStix", "arguments": [uri("x.af")] }),
        )
        .await;
    assert_eq!(cmd, r);
    let unknown = c
        .request(
            "workspace/executeCommand",
            json!({ "command": "afc.nope", "arguments": [] }),
        )
        .await;
    assert_eq!(unknown["error"]["code"], -32602);
}

#[tokio::test]
async fn settings_from_initialization_options_and_configuration_changes() {
    let options = json!({ "afc": { "catalogs": ["atlas"], "warningsAsErrors": true } });
    let mut c = Client::initialized(options).await;
    let (text, pos) = fixture("flow \"F\" { scope: incident }\naction x $0\n");
    let d = c.open("s1.af", &text).await;
    let r = c.call("textDocument/completion", Client::at("s1.af", &pos)).await;
    let l = labels(&r);
    assert!(!l.is_empty() && l.iter().all(|l| l.starts_with("AML.")), "{l:?}");
    let severities: Vec<Value> = d["diagnostics"]
        .as_array()
        .map(|a| a.iter().map(|d| d["severity"].clone()).collect())
        .unwrap_or_default();
    assert!(
        !severities.is_empty() && severities.iter().all(|s| *s == 1),
        "{d}"
    );

    // A bundle that cannot be read is reported and the embedded ATT&CK stays.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "afc": { "attackBundle": "/nonexistent/enterprise.json", "catalogs": ["attack"], "warningsAsErrors": false } } }),
    )
    .await;
    let msg = c.notification("window/showMessage", |_| true).await;
    assert_eq!(msg["type"], 1);
    assert!(
        msg["message"]
            .as_str()
            .is_some_and(|m| m.contains("/nonexistent/enterprise.json")),
        "{msg}"
    );
    // The documents are checked again with the new settings: warnings are warnings again.
    let again = c
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri("s1.af").as_str() && p["diagnostics"].to_string().contains("\"severity\":2")
        })
        .await;
    assert_eq!(again["version"], 1);
}

#[tokio::test]
async fn an_attack_bundle_replaces_the_embedded_attack() {
    let dir = std::env::temp_dir().join(format!("af-lsp-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("mini-attack.json");
    let ext = |id: &str| json!([{ "source_name": "mitre-attack", "external_id": id }]);
    let bundle = json!({
        "type": "bundle", "id": "bundle--11111111-1111-4111-8111-111111111111",
        "objects": [
            { "type": "x-mitre-tactic", "id": "x-mitre-tactic--a", "name": "Initial Access",
              "x_mitre_shortname": "initial-access", "external_references": ext("TA0001"),
              "x_mitre_domains": ["enterprise-attack"] },
            { "type": "attack-pattern", "id": "attack-pattern--a", "name": "Made-up Entry",
              "external_references": ext("T7777"), "x_mitre_domains": ["enterprise-attack"],
              "kill_chain_phases": [{ "kill_chain_name": "mitre-attack", "phase_name": "initial-access" }] }
        ]
    });
    std::fs::write(&path, bundle.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Client::initialized(json!({ "attackBundle": path.to_string_lossy() })).await;
    // The bundle loads after `initialized`; its log line says it is in force.
    c.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("checking against the ATT&CK bundle"))
    })
    .await;
    let d = c
        .open("b.af", &doc("action a T7777\naction b T1566\na -> b\n"))
        .await;
    let text = d["diagnostics"].to_string();
    assert!(text.contains("`T1566`") && !text.contains("T7777"), "{text}");
    let r = complete(&mut c, "b2.af", "action x T77$0\n").await;
    assert_eq!(labels(&r), ["T7777"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_panicking_feature_answers_an_error_and_the_server_lives_on() {
    let mut c = Client::initialized(json!(null)).await;
    let text = doc("action a T1566\n");
    c.open("p.af", &text).await;
    let r = c.request("afc/debugPanic", json!({ "uri": uri("p.af") })).await;
    assert_eq!(r["error"]["code"], -32603, "{r}");
    let log = c.notification("window/logMessage", |p| p["type"] == 1).await;
    assert!(
        log["message"]
            .as_str()
            .is_some_and(|m| m.contains("requested by afc/debugPanic")),
        "{log}"
    );
    let h = c
        .call(
            "textDocument/hover",
            Client::at("p.af", &pos_of(&text, text.find("T1566").unwrap_or_default())),
        )
        .await;
    assert!(h["contents"]["value"]
        .as_str()
        .is_some_and(|v| v.contains("Phishing")));
}

#[tokio::test]
async fn out_of_range_positions_give_empty_answers() {
    let mut c = Client::initialized(json!(null)).await;
    c.open("o.af", "action a T1566\n").await;
    let far = json!({ "line": 99, "character": 0 });
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
        "textDocument/prepareRename",
    ] {
        let r = c.call(method, Client::at("o.af", &far)).await;
        assert!(r.is_null(), "{method}: {r}");
    }
    let mut params = Client::at("o.af", &far);
    params["context"] = json!({ "includeDeclaration": true });
    assert!(c.call("textDocument/references", params).await.is_null());
    // A column past the end of a line means the end of the line.
    let eol = json!({ "line": 0, "character": 500 });
    let h = c.call("textDocument/hover", Client::at("o.af", &eol)).await;
    assert!(h["contents"]["value"]
        .as_str()
        .is_some_and(|v| v.contains("Phishing")));
    // Unknown documents too.
    assert!(c
        .call("textDocument/hover", Client::at("nope.af", &eol))
        .await
        .is_null());
}

#[tokio::test]
async fn malformed_json_rpc_is_answered_per_the_protocol() {
    let mut c = Client::initialized(json!(null)).await;
    c.send_raw("{ this is not json").await;
    let r = c.response_to(Value::Null).await;
    assert_eq!(r["error"]["code"], -32700, "{r}");
    c.send_raw(r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"nope":1}}"#)
        .await;
    let r = c.response_to(json!(7)).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    c.send_raw(r#"{"jsonrpc":"2.0","id":8,"method":"afc/noSuchMethod"}"#)
        .await;
    let r = c.response_to(json!(8)).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Still serving.
    let s = c.call("workspace/symbol", json!({ "query": "" })).await;
    assert_eq!(s, json!([]));
}

fn big_flow(lines: usize) -> String {
    let mut s = String::from(HEADER);
    let mut count = s.lines().count();
    let mut i = 0;
    while count < lines {
        let _ = writeln!(s, "action a{i} T1566.002 \"Step {i}\" {{\n  tactic: TA0001\n}}");
        count += 3;
        if i > 0 {
            let _ = writeln!(s, "a{} -> a{i}", i - 1);
            count += 1;
        }
        i += 1;
    }
    s
}

#[tokio::test]
async fn a_fifty_thousand_line_document_stays_responsive() {
    let mut c = Client::initialized(json!(null)).await;
    let big = big_flow(50_000);
    c.open("small.af", &doc("action a T1566\n")).await;
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri("big.af"), "languageId": "afc", "version": 1, "text": big } }),
    )
    .await;
    // While the big document is checked, a request on another one is answered.
    let h = c
        .call(
            "textDocument/hover",
            Client::at("small.af", &json!({ "line": 5, "character": 10 })),
        )
        .await;
    assert!(h["contents"]["value"]
        .as_str()
        .is_some_and(|v| v.contains("Phishing")));
    let d = c.diagnostics_for("big.af", 1).await;
    assert_eq!(d["diagnostics"], json!([]));
    let pos = pos_of(&big, big.rfind("-> a").unwrap_or_default() + 4);
    let r = c
        .call("textDocument/completion", Client::at("big.af", &pos))
        .await;
    assert!(labels(&r).len() > 1000);
}
