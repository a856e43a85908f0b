//! The Attack Flow bundle validator: takes the JSON text of a STIX 2.1 bundle from any source
//! (afc, the Attack Flow Builder, other tools or hand edits) and reports every problem as a
//! [`Diagnostic`] whose byte spans point into that text (at the property's key or value, or
//! at the object).
//!
//! What it checks, in order:
//! 1. the text is JSON ([`json`] is a small parser that keeps byte spans; malformed JSON gives
//!    one diagnostic at the error position);
//! 2. the bundle shape: `type`, a `bundle--` id, an `objects` list, exactly one
//!    `attack-flow`, the Attack Flow `extension-definition`, no STIX 2.0 bundle properties;
//! 3. every object against the Attack Flow 2.0.0 schema and the STIX 2.1 rules, using the
//!    type table of [`af_stix::types`]: required properties, ids, timestamps, value types,
//!    enumerations, ranges, the extension marker, reference target types, empty lists;
//! 4. the flow graph: dangling references, objects not connected to the flow, `start_refs`
//!    that miss a root or name a node something leads to, Builder-style condition branches;
//! 5. technique and tactic ids against the MITRE catalogs of [`af_catalog`] (warnings, built
//!    by [`af_findings`], which the compiler uses too, so both tools word them alike).
//!
//! Every code is in the table of [`af_diagnostics::codes`] and documented in
//! `docs/diagnostics.md`.
//!
//! Value rules (formats, bounds, entries, timestamp order) come from the checker of
//! [`af_stix::check`], which the compiler uses too, so what one accepts the other accepts.
//!
//! This crate knows nothing about the `.af` language or the compiler, files, terminals or how
//! diagnostics are rendered: it sees one text and returns diagnostics.

#![warn(missing_docs)]

mod catalog;
mod envelope;
mod graph;
pub mod json;
mod objects;

use af_catalog::Catalog;
use af_diagnostics::{codes, Diagnostic, Span};
use std::sync::Arc;

/// Settings of a validation run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The technique catalogs to check `technique_id` / `tactic_id` against; `None` means the
    /// embedded ones ([`Catalog::embedded`]).
    pub catalog: Option<Arc<Catalog>>,
}

/// Validates the JSON text of an Attack Flow bundle. The diagnostics are sorted by position.
pub fn validate(text: &str, options: &Options) -> Vec<Diagnostic> {
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let (code, help) = if e.too_deep {
                (
                    codes::V0002,
                    "STIX objects never nest this deep; the file is probably not a bundle",
                )
            } else {
                (
                    codes::V0001,
                    "the file must be JSON; fix the syntax at this position",
                )
            };
            return vec![Diagnostic::new(code, e.span, e.message).with_help(help)];
        }
    };
    let mut cx = Cx::default();
    objects::duplicate_keys(&mut cx, &root);
    if let Some(list) = envelope::check(&mut cx, &root) {
        let objs: Vec<Obj<'_>> = list.iter().map(|v| objects::check(&mut cx, v)).collect();
        envelope::check_flow_and_extension(&mut cx, &root, &objs);
        graph::check(&mut cx, &objs);
        let catalog: &Catalog = match &options.catalog {
            Some(c) => c,
            None => Catalog::embedded(),
        };
        catalog::check(&mut cx, &objs, catalog);
    }
    let mut diags = cx.diags;
    diags.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    diags
}

/// Validates with the default options (the embedded catalogs).
pub fn validate_str(text: &str) -> Vec<Diagnostic> {
    validate(text, &Options::default())
}

/// The diagnostics of one run under construction.
#[derive(Default)]
pub(crate) struct Cx {
    pub diags: Vec<Diagnostic>,
}

impl Cx {
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

/// One element of the bundle's `objects` list, as later passes see it.
pub(crate) struct Obj<'a> {
    /// The element itself.
    pub value: &'a json::Value,
    /// Its `type`, when that is a string.
    pub ty: Option<&'a str>,
    /// Whether the type is in the af-stix table (so its properties were checked).
    pub known: bool,
    /// Its `id`, when that is a string.
    pub id: Option<&'a str>,
    /// Where findings about the whole object point: the `id` value, else the `{`.
    pub anchor: Span,
}

/// Joins `["a", "b", "c"]` as "`a`, `b` or `c`".
pub(crate) fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
