//! Answers to a defender's questions about one Attack Flow: the ways an adversary reaches
//! a goal, the choke points every way passes through and the smallest sets of steps whose
//! blocking stops the goal ([`paths`]); which steps a set of detections covers and which ways
//! stay undetected ([`coverage`], with readers for Sigma rules, ATT&CK Navigator layers and
//! id lists in [`detections`]); which techniques are often reported with the flow's own
//! ([`suggest`], the Technique Inference Engine's model).
//!
//! The input is the STIX objects of a flow as JSON maps, so a compiled `.af` file, a bundle
//! from any tool and an imported Builder file are analysed alike. What a step is and how the
//! flow goes on is asked of [`af_stix::flow`]; technique ids are looked up in
//! [`af_catalog`].
//!
//! This crate must not know the `.af` syntax, source spans, files or the command line: the
//! caller reads files, hands over texts and objects, and presents the results. The one
//! exception is behind the feature `fs`: [`sources`] reads detection sources (folders of
//! Sigma rules, layers, id lists) from disk, so that `afc` and the language server read them
//! alike.

pub mod coverage;
pub mod detections;
pub mod graph;
pub mod mitigations;
pub mod paths;
#[cfg(feature = "fs")]
pub mod sources;
pub mod suggest;

pub use graph::{FlowGraph, GoalError, Object, Step, StepKind};
