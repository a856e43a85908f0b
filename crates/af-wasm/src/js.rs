//! The `wasm-bindgen` layer: hands the values of the crate's Rust API to JavaScript as plain
//! objects and declares their TypeScript types. No logic lives here.

use crate::RenderOptions;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A diagnostic; offsets are JavaScript string indices (UTF-16 code units). */
export interface Diagnostic {
  code: string;
  severity: "error" | "warning" | "note";
  message: string;
  from: number;
  to: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  spanLabel?: string;
  labels: { from: number; to: number; message: string }[];
  help?: string;
  fixes: { message: string; edits: { from: number; to: number; insert: string }[] }[];
}
export type HighlightKind = "keyword" | "type" | "variable" | "property" | "enumMember" | "string"
  | "number" | "comment" | "operator" | "macro";
export interface Highlight { from: number; to: number; kind: HighlightKind; declaration: boolean; deprecated: boolean }
export interface CompletionItem {
  label: string;
  kind: "technique" | "tactic" | "node" | "key" | "value" | "kind" | "snippet";
  detail?: string;
  /** Markdown. */
  documentation?: string;
  filter?: string;
  /** LSP snippet syntax when `snippet`. */
  insert?: string;
  snippet: boolean;
  deprecated: boolean;
}
export interface Completions { from: number; to: number; items: CompletionItem[] }
export interface Hover { from: number; to: number; markdown: string }
export interface Formatted { text?: string; edits: { from: number; to: number; insert: string }[]; diagnostics: Diagnostic[] }
export interface NavigatorLayers { layers: { domain: string; text: string }[]; notes: string[] }
export interface Imported { source: string; notes: string[]; format: "stix" | "afb" }
export interface TechniqueInfo {
  id: string; name: string; catalog: string; tactics: string[]; status: string; active: boolean;
  /** Markdown, as the editor's hover shows it. */
  markdown: string;
}
export interface RenderOptions { theme?: "light" | "dark"; direction?: "tb" | "lr" }
"#;

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Plain objects (not `Map`s), `undefined` for `None`.
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

fn options(value: JsValue) -> Result<RenderOptions, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(RenderOptions::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("render options: {e}")))
}

/// One checked version of a flow's source text.
#[wasm_bindgen]
pub struct Flow(crate::Flow);

#[wasm_bindgen]
impl Flow {
    /// Parses and checks `source`.
    #[wasm_bindgen(constructor)]
    pub fn new(source: &str) -> Flow {
        Flow(crate::Flow::new(source))
    }

    /// Every diagnostic, sorted by position.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn diagnostics(&self) -> JsValue {
        to_js(&self.0.diagnostics())
    }

    /// True when a diagnostic is an error: then there is no bundle and no picture.
    #[wasm_bindgen(js_name = hasErrors)]
    pub fn has_errors(&self) -> bool {
        self.0.has_errors()
    }

    /// Classified tokens for syntax highlighting.
    #[wasm_bindgen(unchecked_return_type = "Highlight[]")]
    pub fn highlights(&self) -> JsValue {
        to_js(&self.0.highlights())
    }

    /// The STIX bundle exactly as `afc compile` writes it; `undefined` when there are errors.
    pub fn stix(&self) -> Option<String> {
        self.0.stix()
    }

    /// The flow as SVG; `undefined` when there are errors.
    pub fn svg(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderOptions")] options: JsValue,
    ) -> Result<Option<String>, JsError> {
        Ok(self.0.svg(&self::options(options)?))
    }

    /// The flow as a Mermaid flowchart; `undefined` when there are errors.
    pub fn mermaid(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenderOptions")] options: JsValue,
    ) -> Result<Option<String>, JsError> {
        Ok(self.0.mermaid(&self::options(options)?))
    }

    /// ATT&CK Navigator layers, named after the flow (or `fallbackName`); `undefined` when
    /// there are errors.
    #[wasm_bindgen(unchecked_return_type = "NavigatorLayers | undefined")]
    pub fn navigator(&self, #[wasm_bindgen(js_name = fallbackName)] fallback_name: &str) -> JsValue {
        to_js(&self.0.navigator(fallback_name))
    }

    /// Completions at a string index, the best `limit` of them.
    #[wasm_bindgen(unchecked_return_type = "Completions")]
    pub fn complete(&self, offset: usize, limit: usize) -> JsValue {
        to_js(&self.0.complete(offset, limit))
    }

    /// Hover text at a string index.
    #[wasm_bindgen(unchecked_return_type = "Hover | undefined")]
    pub fn hover(&self, offset: usize) -> JsValue {
        to_js(&self.0.hover(offset))
    }

    /// The source in the formatter's layout, or the syntax errors that stop it.
    #[wasm_bindgen(unchecked_return_type = "Formatted")]
    pub fn format(&self) -> JsValue {
        to_js(&self.0.format())
    }
}

/// Imports a STIX bundle (`"stix"`), an Attack Flow Builder file (`"afb"`), or either
/// (`undefined`); throws an `Error` with afc's message when the input cannot be imported.
#[wasm_bindgen(js_name = importFlow, unchecked_return_type = "Imported")]
pub fn import_flow(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "\"stix\" | \"afb\" | undefined")] format: Option<String>,
) -> Result<JsValue, JsError> {
    crate::import(text, format.as_deref())
        .map(|i| to_js(&i))
        .map_err(|e| JsError::new(&e))
}

/// Draws the objects of a STIX bundle as SVG; throws when the text is not a bundle.
#[wasm_bindgen(js_name = renderBundleSvg)]
pub fn render_bundle_svg(
    json: &str,
    #[wasm_bindgen(unchecked_param_type = "RenderOptions")] options: JsValue,
) -> Result<String, JsError> {
    crate::render_bundle_svg(json, &self::options(options)?).map_err(|e| JsError::new(&e))
}

/// Techniques whose id or name matches `query`, best first.
#[wasm_bindgen(js_name = searchTechniques, unchecked_return_type = "TechniqueInfo[]")]
pub fn search_techniques(query: &str, limit: usize) -> JsValue {
    to_js(&crate::search_techniques(query, limit))
}

/// A technique by id, or `undefined`.
#[wasm_bindgen(unchecked_return_type = "TechniqueInfo | undefined")]
pub fn technique(id: &str) -> JsValue {
    to_js(&crate::technique(id))
}

/// The afc version the module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}
