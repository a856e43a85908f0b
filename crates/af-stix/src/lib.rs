//! Everything afc knows about STIX 2.1 and Attack Flow 2.0 objects, in one place: the table
//! of object types and their properties ([`types`], generated from the JSON schemas), what
//! their string formats mean ([`format`]), the one value checker the compiler and the
//! validator share ([`check`]), references and what they mean for a flow ([`refs`]), the
//! flow graph's rules ([`flow`]: steps, branches, starts, context, Builder branches), the
//! names the language gives these things ([`language`]: kind words, sugar keys), STIX
//! timestamps ([`timestamp`]), deterministic ids ([`id`]), the Attack Flow extension objects
//! ([`attack_flow`]), TLP marking definitions ([`marking`]), the confidence scales
//! ([`confidence`]), the compact [`Object`] the compiler builds ([`object`]), the `report` that
//! wraps a flow for threat-intelligence platforms ([`report`]), and the output writer with its
//! fixed key order ([`writer`]).
//!
//! This crate must not know the `.af` syntax, source spans or diagnostics: the compiler, the
//! importer, the validator, the renderers and the language server call it with plain strings
//! and JSON values (or their own trees, through [`check::Json`]) and word their own
//! diagnostics. Whoever needs a fact about STIX or Attack Flow asks here rather than keeping a
//! copy.
//!
//! The type table is generated: after changing the schemas or the generator's overlay, run
//! `cargo run -p af-stix --example gen_types` (see `README.md`).

#![warn(missing_docs)]

pub mod attack_flow;
pub mod check;
pub mod confidence;
pub mod flow;
pub mod format;
mod generated_types;
pub mod id;
pub mod language;
pub mod marking;
pub mod object;
pub mod refs;
pub mod report;
pub mod timestamp;
pub mod types;
pub mod writer;

pub use object::Object;
