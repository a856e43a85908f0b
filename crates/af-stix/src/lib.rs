//! Everything afc knows about STIX 2.1 and Attack Flow 2.0 objects: the table of object types
//! and their properties ([`types`], generated from the JSON schemas), STIX timestamps
//! ([`timestamp`]), deterministic ids ([`id`]), the Attack Flow extension objects
//! ([`attack_flow`]), TLP marking definitions ([`marking`]), the confidence scales
//! ([`confidence`]), the compact [`Object`] the compiler builds ([`object`]), the `report` that
//! wraps a flow for threat-intelligence platforms ([`report`]), and the output writer with its
//! fixed key order ([`writer`]).
//!
//! This crate must not know about the `.af` language: no syntax, no source spans, no
//! diagnostics. The compiler, the importer and the validator call it with plain strings and
//! JSON values.
//!
//! The type table is generated: after changing the schemas or the generator's overlay, run
//! `cargo run -p af-stix --example gen_types` (see `README.md`).

#![warn(missing_docs)]

pub mod attack_flow;
pub mod confidence;
mod generated_types;
pub mod id;
pub mod marking;
pub mod object;
pub mod report;
pub mod timestamp;
pub mod types;
pub mod writer;

pub use object::Object;
