//! afc in the browser: the compiler, checker, formatter, importer (STIX bundles and Attack Flow
//! Builder `.afb` files), renderers (SVG, Mermaid, ATT&CK Navigator) and catalog search,
//! compiled to `wasm32-unknown-unknown` behind a small JavaScript API.
//!
//! The crate has two layers. This one is plain Rust: [`Flow`] is one checked version of a
//! source text, and the free functions import, render bundles and search the catalogs. Every
//! result is a serializable value whose offsets are **UTF-16 code units** (JavaScript string
//! indices), so the browser never converts positions. The `js` module (WebAssembly only) is
//! the `wasm-bindgen` layer: it hands these values to JavaScript as plain objects and declares
//! their TypeScript types. `web/` builds the playground and the `<attack-flow>` viewer on it;
//! `docs/playground.md` documents the JavaScript API.
//!
//! Nothing here checks, formats, imports or draws by itself: it calls the same entry points as
//! the CLI and the language server (`af_compile::compile_str`, `af_fmt::format_source`,
//! `af_import`, `af_render`, and `af_lsp`'s completion, hover and semantic tokens), so the
//! browser gives byte for byte what `afc` gives. This crate must not know the language, STIX
//! or the catalogs itself, and it must not touch files, threads or clocks: the WebAssembly
//! build has none.

mod offsets;

// The glue `#[wasm_bindgen]` generates exports functions by symbol name and implements unsafe
// traits; the module holds no hand-written unsafe code.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod js;

use af_diagnostics::Diagnostic;
use af_lsp::completion::ItemKind;
use af_lsp::semantic::{modifiers, TokenType};
use af_lsp::Snapshot;
use offsets::Offsets;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::sync::Arc;

pub use af_import::ImportError;

/// One diagnostic, with UTF-16 offsets into the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsDiagnostic {
    /// `E0103`, `W0202`, …
    pub code: &'static str,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// The message.
    pub message: String,
    /// Start of the span (UTF-16 offset).
    pub from: usize,
    /// End of the span (UTF-16 offset).
    pub to: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start (in characters).
    pub column: usize,
    /// What the primary span is, when the diagnostic says.
    pub span_label: Option<String>,
    /// Secondary spans.
    pub labels: Vec<JsLabel>,
    /// A hint on how to fix it.
    pub help: Option<String>,
    /// Machine-applicable fixes.
    pub fixes: Vec<JsFix>,
}

/// A secondary span of a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsLabel {
    /// Start (UTF-16 offset).
    pub from: usize,
    /// End (UTF-16 offset).
    pub to: usize,
    /// What is there.
    pub message: String,
}

/// A fix: edits to apply together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsFix {
    /// What the fix does.
    pub message: String,
    /// Replacements, not overlapping.
    pub edits: Vec<JsEdit>,
}

/// Replace `from..to` (UTF-16 offsets) with `insert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsEdit {
    /// Start.
    pub from: usize,
    /// End.
    pub to: usize,
    /// The new text.
    pub insert: String,
}

/// A classified token for syntax highlighting (the language server's semantic tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlight {
    /// Start (UTF-16 offset).
    pub from: usize,
    /// End (UTF-16 offset).
    pub to: usize,
    /// `keyword`, `type`, `variable`, `property`, `enumMember`, `string`, `number`,
    /// `comment`, `operator` or `macro` (technique and tactic ids).
    pub kind: &'static str,
    /// A name is declared here.
    pub declaration: bool,
    /// A revoked or deprecated technique.
    pub deprecated: bool,
}

/// Completions at a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completions {
    /// Start of the word an accepted item replaces (UTF-16 offset).
    pub from: usize,
    /// End of that word.
    pub to: usize,
    /// The items, best first.
    pub items: Vec<CompletionItem>,
}

/// One completion item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompletionItem {
    /// What the list shows.
    pub label: String,
    /// `technique`, `tactic`, `node`, `key`, `value`, `kind` or `snippet`.
    pub kind: &'static str,
    /// One line beside the label (a technique's name and tactics).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// Text typed characters are matched against, when not the label.
    pub filter: Option<String>,
    /// The text inserted, when not the label; LSP snippet syntax when `snippet`.
    pub insert: Option<String>,
    /// `insert` is a snippet.
    pub snippet: bool,
    /// A revoked or deprecated technique or tactic.
    pub deprecated: bool,
}

/// Hover text for a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hover {
    /// Start of the word it is about (UTF-16 offset).
    pub from: usize,
    /// End of the word.
    pub to: usize,
    /// The text, as Markdown.
    pub markdown: String,
}

/// What formatting gave: the formatted text, or the syntax errors that stop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Formatted {
    /// The source in the formatter's layout; absent when the source has syntax errors.
    pub text: Option<String>,
    /// The smallest edits that turn the source into `text` (none when it is formatted), so
    /// that an editor keeps its cursor and undo history.
    pub edits: Vec<JsEdit>,
    /// Why it could not be formatted.
    pub diagnostics: Vec<JsDiagnostic>,
}

/// One ATT&CK Navigator layer file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NavigatorLayer {
    /// `enterprise-attack`, `mobile-attack` or `ics-attack`.
    pub domain: &'static str,
    /// The layer file's text, as `afc render --to navigator` writes it.
    pub text: String,
}

/// The Navigator layers of a flow, with notes on techniques that could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NavigatorLayers {
    /// One layer per ATT&CK domain the flow uses.
    pub layers: Vec<NavigatorLayer>,
    /// Techniques skipped or replaced, one sentence each.
    pub notes: Vec<String>,
}

/// An imported flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// The flow as source text, in the formatter's layout.
    pub source: String,
    /// What was repaired, dropped or cannot be expressed, one sentence each.
    pub notes: Vec<String>,
    /// What the input was: `stix` (a STIX bundle) or `afb` (an Attack Flow Builder file).
    pub format: &'static str,
}

/// A technique of the catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechniqueInfo {
    /// The id (`T1566.001`, `AML.T0051`, `D3-AA`, …).
    pub id: String,
    /// The full name (`Phishing: Spearphishing Attachment`).
    pub name: String,
    /// `ATT&CK`, `ATLAS`, `D3FEND` or `F3`.
    pub catalog: String,
    /// Tactic ids.
    pub tactics: Vec<String>,
    /// `active`, `deprecated`, `revoked (replaced by …)`, …
    pub status: String,
    /// Whether the id is current.
    pub active: bool,
    /// What the editor's hover shows for it (Markdown).
    pub markdown: String,
}

/// How pictures are drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RenderOptions {
    /// `light` (default) or `dark`.
    pub theme: Option<String>,
    /// `tb` (top to bottom, default) or `lr` (left to right).
    pub direction: Option<String>,
}

impl RenderOptions {
    fn theme(&self) -> af_render::Theme {
        match self.theme.as_deref() {
            Some("dark") => af_render::Theme::Dark,
            _ => af_render::Theme::Light,
        }
    }

    fn direction(&self) -> af_render::Direction {
        match self.direction.as_deref() {
            Some("lr") => af_render::Direction::LeftRight,
            _ => af_render::Direction::TopDown,
        }
    }
}

/// One checked version of a flow's source text: diagnostics, highlighting, completion and
/// hover come from the language server's snapshot of it; the bundle and the pictures from
/// compiling it as `afc compile` does (once, when first asked for).
pub struct Flow {
    snapshot: Snapshot,
    offsets: Offsets,
    compiled: OnceCell<Option<Compiled>>,
}

struct Compiled {
    bundle: String,
    objects: Vec<af_render::Object>,
}

impl Flow {
    /// Parses and checks a source text.
    pub fn new(source: &str) -> Flow {
        let snapshot = Snapshot::new(source.to_string(), 0, Arc::new(af_lsp::Config::default()));
        Flow {
            offsets: Offsets::new(source),
            snapshot,
            compiled: OnceCell::new(),
        }
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.snapshot.text
    }

    /// Every diagnostic, sorted by position.
    pub fn diagnostics(&self) -> Vec<JsDiagnostic> {
        convert_diagnostics(&self.snapshot.diagnostics, &self.snapshot.text, &self.offsets)
    }

    /// True when a diagnostic is an error: then there is no bundle and no picture.
    pub fn has_errors(&self) -> bool {
        self.snapshot.has_errors()
    }

    /// Classified tokens, in order, not overlapping.
    pub fn highlights(&self) -> Vec<Highlight> {
        af_lsp::semantic::tokens(&self.snapshot)
            .into_iter()
            .map(|t| Highlight {
                from: self.offsets.to_utf16(t.span.start),
                to: self.offsets.to_utf16(t.span.end),
                kind: TokenType::LEGEND[t.ty as usize],
                declaration: t.modifiers & modifiers::DECLARATION != 0,
                deprecated: t.modifiers & modifiers::DEPRECATED != 0,
            })
            .collect()
    }

    fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| {
                if self.snapshot.has_errors() {
                    return None;
                }
                let c = af_compile::compile_str(&self.snapshot.text, &af_compile::Options::default());
                if c.has_errors() {
                    return None;
                }
                let bundle = c.to_json();
                let objects = c.objects.into_iter().map(af_compile::Object::into_map).collect();
                Some(Compiled { bundle, objects })
            })
            .as_ref()
    }

    /// The STIX bundle exactly as `afc compile` writes it; `None` when there are errors.
    pub fn stix(&self) -> Option<String> {
        self.compiled().map(|c| c.bundle.clone())
    }

    /// The flow as SVG, as `afc render` draws it; `None` when there are errors, or when the
    /// flow is beyond the SVG layout's limits (`af_render::layout::MAX_NODES`, `MAX_EDGES`).
    pub fn svg(&self, options: &RenderOptions) -> Option<String> {
        self.compiled().and_then(|c| svg_of(&c.objects, options).ok())
    }

    /// The flow as a Mermaid flowchart; `None` when there are errors.
    pub fn mermaid(&self, options: &RenderOptions) -> Option<String> {
        let c = self.compiled()?;
        Some(af_render::render_mermaid(
            &c.objects,
            &af_render::MermaidOptions {
                theme: options.theme(),
                direction: options.direction(),
                catalog: None,
            },
        ))
    }

    /// The ATT&CK Navigator layers of the flow (named after it, or after `fallback_name`);
    /// `None` when there are errors.
    pub fn navigator(&self, fallback_name: &str) -> Option<NavigatorLayers> {
        let c = self.compiled()?;
        let name = af_render::flow_name(&c.objects).unwrap_or_else(|| fallback_name.to_string());
        let result = af_render::navigator_layers(
            &[af_render::FlowObjects {
                name: &name,
                objects: &c.objects,
            }],
            &af_render::NavigatorOptions {
                name: None,
                catalog: None,
            },
        );
        let layers = result
            .layers
            .iter()
            .map(|l| NavigatorLayer {
                domain: l.domain,
                text: l.text(),
            })
            .collect();
        Some(NavigatorLayers {
            layers,
            notes: result.notes,
        })
    }

    /// Completions at a UTF-16 offset, the best `limit` of them (a technique id's place can
    /// offer thousands).
    pub fn complete(&self, offset: usize, limit: usize) -> Completions {
        let mut c = af_lsp::completion::complete(&self.snapshot, self.offsets.to_byte(offset));
        c.items.truncate(limit);
        Completions {
            from: self.offsets.to_utf16(c.replace.start),
            to: self.offsets.to_utf16(c.replace.end),
            items: c
                .items
                .into_iter()
                .map(|i| CompletionItem {
                    label: i.label,
                    kind: item_kind(i.kind),
                    detail: i.detail,
                    documentation: i.documentation,
                    filter: i.filter,
                    insert: i.insert,
                    snippet: i.snippet,
                    deprecated: i.deprecated,
                })
                .collect(),
        }
    }

    /// Hover text at a UTF-16 offset, when there is something to say.
    pub fn hover(&self, offset: usize) -> Option<Hover> {
        let h = af_lsp::hover::hover(&self.snapshot, self.offsets.to_byte(offset))?;
        Some(Hover {
            from: self.offsets.to_utf16(h.span.start),
            to: self.offsets.to_utf16(h.span.end),
            markdown: h.markdown,
        })
    }

    /// The source in the formatter's layout (`afc fmt`), or the syntax errors that stop it.
    pub fn format(&self) -> Formatted {
        match af_fmt::format_source(&self.snapshot.text) {
            Ok(text) => Formatted {
                edits: af_lsp::format::minimal_edit(&self.snapshot.text, &text)
                    .map(|e| JsEdit {
                        from: self.offsets.to_utf16(e.span.start),
                        to: self.offsets.to_utf16(e.span.end),
                        insert: e.replacement,
                    })
                    .into_iter()
                    .collect(),
                text: Some(text),
                diagnostics: Vec::new(),
            },
            Err(diags) => Formatted {
                text: None,
                edits: Vec::new(),
                diagnostics: convert_diagnostics(&diags, &self.snapshot.text, &self.offsets),
            },
        }
    }
}

fn item_kind(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Technique => "technique",
        ItemKind::Tactic => "tactic",
        ItemKind::AttackObject => "attack-object",
        ItemKind::Node => "node",
        ItemKind::Key => "key",
        ItemKind::Value => "value",
        ItemKind::Kind => "kind",
        ItemKind::Snippet => "snippet",
    }
}

fn convert_diagnostics(diags: &[Diagnostic], text: &str, offsets: &Offsets) -> Vec<JsDiagnostic> {
    diags
        .iter()
        .map(|d| {
            let at = offsets.line_col(text, d.span.start);
            JsDiagnostic {
                code: d.code,
                severity: d.severity.as_str(),
                message: d.message.clone(),
                from: offsets.to_utf16(d.span.start),
                to: offsets.to_utf16(d.span.end),
                line: at.line,
                column: at.column,
                span_label: d.span_label.clone(),
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsLabel {
                        from: offsets.to_utf16(l.span.start),
                        to: offsets.to_utf16(l.span.end),
                        message: l.message.clone(),
                    })
                    .collect(),
                help: d.help.clone(),
                fixes: d
                    .fixes
                    .iter()
                    .map(|f| JsFix {
                        message: f.message.clone(),
                        edits: f
                            .edits
                            .iter()
                            .map(|e| JsEdit {
                                from: offsets.to_utf16(e.span.start),
                                to: offsets.to_utf16(e.span.end),
                                insert: e.replacement.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn svg_of(objects: &[af_render::Object], options: &RenderOptions) -> Result<String, String> {
    af_render::render_svg(
        objects,
        &af_render::SvgOptions {
            theme: options.theme(),
            direction: options.direction(),
            ..af_render::SvgOptions::default()
        },
    )
    .map_err(|e| e.to_string())
}

/// Imports a STIX bundle (`format` `"stix"`), an Attack Flow Builder file (`"afb"`), or either
/// (`None`: a bundle first, then a Builder file), as `afc import` does.
pub fn import(text: &str, format: Option<&str>) -> Result<Imported, String> {
    let options = af_import::ImportOptions::default();
    let (result, format) = match format {
        Some("afb") => (af_import::import_afb(text, &options), "afb"),
        Some("stix") => (af_import::import_bundle(text, &options), "stix"),
        Some(other) => {
            return Err(format!(
                "unknown import format `{other}` (expected `stix` or `afb`)"
            ))
        }
        None => match af_import::import_bundle(text, &options) {
            Err(ImportError::NotABundle { found }) => match af_import::import_afb(text, &options) {
                Err(ImportError::NotAnAfb { .. }) => (Err(ImportError::NotABundle { found }), "stix"),
                other => (other, "afb"),
            },
            other => (other, "stix"),
        },
    };
    result
        .map(|i| Imported {
            source: i.source,
            notes: i.notes,
            format,
        })
        .map_err(|e| e.to_string())
}

/// Draws the objects of a STIX bundle (from afc or any other tool) as SVG.
pub fn render_bundle_svg(json: &str, options: &RenderOptions) -> Result<String, String> {
    let objects = af_render::parse_objects(json).map_err(|e| e.to_string())?;
    svg_of(&objects, options)
}

/// Techniques whose id or name matches `query`, best first (at most `limit`).
pub fn search_techniques(query: &str, limit: usize) -> Vec<TechniqueInfo> {
    let catalog = af_catalog::Catalog::embedded();
    catalog
        .search(query, &af_catalog::CatalogKind::ALL, limit)
        .into_iter()
        .filter_map(|t| technique(&t.id))
        .collect()
}

/// A technique by id, when the catalogs know it.
pub fn technique(id: &str) -> Option<TechniqueInfo> {
    let catalog = af_catalog::Catalog::embedded();
    let t = catalog.technique(id)?;
    Some(TechniqueInfo {
        id: t.id.to_string(),
        name: t.full_name(),
        catalog: t.catalog.to_string(),
        tactics: t.tactics.iter().map(ToString::to_string).collect(),
        status: t.status.to_string(),
        active: t.status.is_active(),
        markdown: af_lsp::hover::technique_markdown(catalog, &t.id)?,
    })
}

/// The afc version the module was built from.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
