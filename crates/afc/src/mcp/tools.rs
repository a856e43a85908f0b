//! The MCP tools: thin adapters from JSON arguments to the library crates, answering with the
//! same texts and JSON shapes as the command line (`afc check --format json`, `afc attack
//! search --format json`, `afc render`, …).

use af_catalog::{Catalog, CatalogKind};
use af_diagnostics::{to_json, Counts, Diagnostic};
use rmcp::model::{CallToolResult, ContentBlock, Tool};
use rmcp::ErrorData as RpcError;
use serde_json::{json, Map, Value};

/// The name the tools give the text they are handed, in diagnostics.
const FILE: &str = "flow.af";

/// Tool inputs larger than this are refused.
const MAX_TEXT_BYTES: usize = crate::input::MAX_SOURCE_BYTES as usize;

/// The tool definitions for `tools/list` (a test checks that every definition is a valid
/// MCP tool, so none is left out here).
pub(super) fn list() -> Vec<Tool> {
    definitions()
        .into_iter()
        .filter_map(|t| serde_json::from_value(t).ok())
        .collect()
}

/// The tool definitions as MCP's JSON shape (name, title, description, inputSchema,
/// annotations).
fn definitions() -> Vec<Value> {
    let text = |what: &str| json!({"type": "string", "description": what});
    vec![
        json!({
            "name": "check",
            "title": "Check a flow",
            "description": "Checks .af flow text and returns every diagnostic (syntax, names, STIX properties, techniques, connectivity) as JSON: code, severity, message, 1-based line and column, help, and `fixes` (exact text edits). No errors means the flow compiles.",
            "inputSchema": {"type": "object", "properties": {
                "text": text("The whole .af file."),
                "file_name": text("The name to use in diagnostics (default flow.af).")
            }, "required": ["text"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": "compile",
            "title": "Compile a flow to STIX",
            "description": "Compiles .af flow text to its Attack Flow 2.0 STIX 2.1 bundle (deterministic ids and key order). With wrap=report the flow is wrapped in a STIX report for OpenCTI and MISP. Errors come back as diagnostics.",
            "inputSchema": {"type": "object", "properties": {
                "text": text("The whole .af file."),
                "wrap": {"type": "string", "enum": ["none", "report"], "description": "Wrap the flow in a STIX report (default none)."}
            }, "required": ["text"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": "format",
            "title": "Format a flow",
            "description": "Gives .af flow text in afc's canonical layout (comments kept, meaning unchanged). Text with syntax errors is refused with its diagnostics.",
            "inputSchema": {"type": "object", "properties": {"text": text("The whole .af file.")}, "required": ["text"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": "search_techniques",
            "title": "Search techniques by name",
            "description": "Finds techniques in the embedded MITRE catalogs (ATT&CK enterprise/mobile/ICS, ATLAS, D3FEND, F3) by words of their names or an id prefix, best matches first, as JSON: id, full name, catalog, domains, tactics, status.",
            "inputSchema": {"type": "object", "properties": {
                "query": text("Words of the name (`spearphishing link`, `valid accounts`) or an id prefix (`T1566`)."),
                "catalogs": {"type": "array", "items": {"type": "string", "enum": ["attack", "atlas", "d3fend", "f3"]}, "description": "Only these catalogs (default: all)."},
                "limit": {"type": "integer", "minimum": 1, "maximum": 200, "description": "At most this many results (default 20)."},
                "include_inactive": {"type": "boolean", "description": "Also revoked, deprecated and removed techniques."}
            }, "required": ["query"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": "show_technique",
            "title": "Show a technique",
            "description": "Shows a technique (T1566.001, AML.T0051, D3-AA, F3.T1660), tactic (TA0001), group, software or mitigation by id, as JSON: name, catalog, tactics, platforms, parent and sub-techniques, status with replacement, URL. Unknown ids come back with did-you-mean suggestions.",
            "inputSchema": {"type": "object", "properties": {"id": text("The id; case does not matter.")}, "required": ["id"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": "render",
            "title": "Draw a flow",
            "description": "Draws a flow as an SVG picture (laid out by afc) or a Mermaid flowchart. The input is .af flow text or an Attack Flow STIX bundle (JSON).",
            "inputSchema": {"type": "object", "properties": {
                "text": text("The .af file, or a STIX bundle as JSON."),
                "format": {"type": "string", "enum": ["svg", "mermaid"], "description": "Default svg."},
                "theme": {"type": "string", "enum": ["light", "dark"], "description": "Default light."},
                "direction": {"type": "string", "enum": ["tb", "lr"], "description": "Top to bottom (default) or left to right."}
            }, "required": ["text"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
        json!({
            "name": "import",
            "title": "Import a bundle or Builder file",
            "description": "Turns an Attack Flow STIX 2.1 bundle or an Attack Flow Builder .afb file (its JSON text) into .af flow text, with notes on anything repaired, dropped or not expressible.",
            "inputSchema": {"type": "object", "properties": {
                "text": text("The bundle or .afb file as JSON text."),
                "format": {"type": "string", "enum": ["auto", "bundle", "afb"], "description": "Default auto."},
                "repair": {"type": "boolean", "description": "Turn the Builder's related-to condition branches into real branches."}
            }, "required": ["text"]},
            "annotations": {"readOnlyHint": true, "openWorldHint": false}
        }),
    ]
}

/// A tool's answer: text content, flagged as an error when the tool could not do its job on
/// this input.
fn answer(texts: Vec<String>, is_error: bool) -> CallToolResult {
    let content = texts.into_iter().map(ContentBlock::text).collect();
    if is_error {
        CallToolResult::error(content)
    } else {
        CallToolResult::success(content)
    }
}

/// The answer to arguments that do not fit the tool: JSON-RPC's invalid params (-32602).
fn invalid(message: impl Into<String>) -> RpcError {
    RpcError::invalid_params(message.into(), None)
}

fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn str_arg<'a>(args: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, RpcError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() > MAX_TEXT_BYTES => Err(invalid(format!(
            "`{key}` is larger than {} MiB",
            MAX_TEXT_BYTES >> 20
        ))),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("`{key}` must be a string"))),
    }
}

fn required<'a>(args: &'a Map<String, Value>, key: &str) -> Result<&'a str, RpcError> {
    str_arg(args, key)?.ok_or_else(|| invalid(format!("`{key}` is required")))
}

/// A string argument that must be one of `allowed` (the first is the default).
fn choice<'a>(args: &'a Map<String, Value>, key: &str, allowed: &[&'a str]) -> Result<&'a str, RpcError> {
    match str_arg(args, key)? {
        None => Ok(allowed[0]),
        Some(v) => allowed
            .iter()
            .find(|a| **a == v)
            .copied()
            .ok_or_else(|| invalid(format!("`{key}` must be one of {}", allowed.join(", ")))),
    }
}

fn bool_arg(args: &Map<String, Value>, key: &str) -> Result<bool, RpcError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(format!("`{key}` must be true or false"))),
    }
}

/// Diagnostics shown in one answer at most: an assistant fixes the first ones and checks
/// again, and a broken text can have one per character.
const MAX_DIAGNOSTICS: usize = 200;

/// Diagnostics as the JSON `check` returns: the counts, and the first [`MAX_DIAGNOSTICS`]
/// (`omitted` says how many more there are).
fn diagnostics_json(diags: &[Diagnostic], file: &str, source: &str) -> Value {
    let counts = Counts::of(diags);
    let shown = &diags[..diags.len().min(MAX_DIAGNOSTICS)];
    let mut v = json!({
        "errors": counts.errors,
        "warnings": counts.warnings,
        "diagnostics": to_json(shown, file, source),
    });
    if shown.len() < diags.len() {
        v["omitted"] = json!(diags.len() - shown.len());
    }
    v
}

/// Runs a tool.
pub(super) fn call(name: &str, args: &Map<String, Value>) -> Result<CallToolResult, RpcError> {
    match name {
        "check" => {
            let text = required(args, "text")?;
            let file = str_arg(args, "file_name")?.unwrap_or(FILE);
            let compiled = af_compile::compile_str(text, &af_compile::Options::default());
            Ok(answer(vec![pretty(&diagnostics_json(&compiled.diagnostics, file, text))], false))
        }
        "compile" => {
            let text = required(args, "text")?;
            let wrap = match choice(args, "wrap", &["none", "report"])? {
                "report" => crate::compile::Wrap::Report,
                _ => crate::compile::Wrap::None,
            };
            let mut compiled = af_compile::compile_str(text, &af_compile::Options::default());
            let report = pretty(&diagnostics_json(&compiled.diagnostics, FILE, text));
            if compiled.has_errors() {
                return Ok(answer(vec![report], true));
            }
            if let Err(e) = crate::compile::wrap(&mut compiled.objects, wrap) {
                return Ok(answer(vec![e], true));
            }
            let mut texts = vec![compiled.to_json()];
            if !compiled.diagnostics.is_empty() {
                texts.push(report);
            }
            Ok(answer(texts, false))
        }
        "format" => {
            let text = required(args, "text")?;
            Ok(match af_fmt::format_source(text) {
                Ok(formatted) => answer(vec![formatted], false),
                Err(diags) => answer(vec![pretty(&diagnostics_json(&diags, FILE, text))], true),
            })
        }
        "search_techniques" => {
            let query = required(args, "query")?;
            let limit = match args.get("limit") {
                None | Some(Value::Null) => 20,
                Some(v) => v
                    .as_u64()
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| invalid("`limit` must be a whole number from 1 to 200"))?
                    as usize,
            };
            let catalogs: Vec<CatalogKind> = match args.get("catalogs") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|c| {
                        c.as_str()
                            .and_then(CatalogKind::from_code)
                            .ok_or_else(|| {
                                invalid("`catalogs` lists attack, atlas, d3fend or f3")
                            })
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(invalid("`catalogs` must be a list")),
            };
            let cat = Catalog::embedded();
            let all = bool_arg(args, "include_inactive")?;
            let filter = af_catalog::Filter {
                catalogs,
                ..af_catalog::Filter::default()
            };
            let found = af_catalog::views::search(cat, query, &filter, all, limit);
            let mut result = json!({
                "results": found.hits.iter().map(|h| af_catalog::views::hit(cat, h)).collect::<Vec<_>>(),
                "found": found.found,
            });
            if found.hidden > 0 {
                result["inactive_not_shown"] = json!(found.hidden);
            }
            if found.hits.is_empty() {
                result["did_you_mean"] = json!(cat.did_you_mean(query));
            }
            Ok(answer(vec![pretty(&result)], false))
        }
        "show_technique" => {
            let id = required(args, "id")?;
            Ok(match af_catalog::views::show(Catalog::embedded(), id) {
                Ok(v) => answer(vec![pretty(&v)], false),
                Err(v) => answer(vec![pretty(&v)], true),
            })
        }
        "render" => {
            let text = required(args, "text")?;
            let to = match choice(args, "format", &["svg", "mermaid"])? {
                "mermaid" => crate::render::To::Mermaid,
                _ => crate::render::To::Svg,
            };
            let theme = match choice(args, "theme", &["light", "dark"])? {
                "dark" => af_render::Theme::Dark,
                _ => af_render::Theme::Light,
            };
            let direction = match choice(args, "direction", &["tb", "lr"])? {
                "lr" => af_render::Direction::LeftRight,
                _ => af_render::Direction::TopDown,
            };
            let objects = if text.trim_start().starts_with(['{', '[']) {
                match af_render::parse_objects(text) {
                    Ok(o) => o,
                    Err(e) => return Ok(answer(vec![format!("not a bundle: {e}")], true)),
                }
            } else {
                let compiled = af_compile::compile_str(text, &af_compile::Options::default());
                if compiled.has_errors() {
                    return Ok(answer(
                        vec![pretty(&diagnostics_json(&compiled.diagnostics, FILE, text))],
                        true,
                    ));
                }
                compiled.objects.into_iter().map(af_compile::Object::into_map).collect()
            };
            Ok(match crate::render::render_one(&objects, to, 1.0, theme, direction, None, None) {
                Ok(bytes) => answer(vec![String::from_utf8_lossy(&bytes).into_owned()], false),
                Err(e) => answer(vec![e], true),
            })
        }
        "import" => {
            let text = required(args, "text")?;
            let path = match choice(args, "format", &["auto", "bundle", "afb"])? {
                "bundle" => Some("input.json".into()),
                "afb" => Some("input.afb".into()),
                _ => None,
            };
            let inp = crate::input::Input {
                name: "input".into(),
                path,
            };
            let options = af_import::ImportOptions {
                repair: bool_arg(args, "repair")?,
                ..af_import::ImportOptions::default()
            };
            Ok(match crate::import::import(&inp, text, &options) {
                Ok(imported) => {
                    let mut texts = vec![imported.source];
                    if !imported.notes.is_empty() {
                        texts.push(format!("notes:\n- {}", imported.notes.join("\n- ")));
                    }
                    answer(texts, false)
                }
                Err(e) => answer(vec![e.to_string()], true),
            })
        }
        other => Err(invalid(format!(
            "unknown tool `{other}` (tools: check, compile, format, search_techniques, show_technique, render, import)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_definition_is_a_tool() {
        let tools = super::list();
        assert_eq!(tools.len(), super::definitions().len());
        for tool in &tools {
            assert_eq!(
                tool.input_schema.get("type").and_then(|t| t.as_str()),
                Some("object")
            );
        }
    }
}
