//! The afc language server (`afc lsp`): diagnostics, completion, hover, navigation, renaming,
//! outline, semantic tokens, formatting, folding, inlay hints and quick fixes for `.af` flows,
//! over the Language Server Protocol on standard input and output.
//!
//! Every feature is a pure function of a [`snapshot::Snapshot`] (one version of a document:
//! its text, syntax tree, diagnostics and semantic model) working in byte offsets, in its own
//! module, testable without the protocol. [`server`] holds the documents, runs the features
//! off the async thread under `catch_unwind`, and [`convert`] turns byte spans into the
//! protocol's UTF-16 positions and results into protocol types.
//!
//! This crate must not know how the language is parsed or checked (that is `af-syntax` and
//! `af-compile`), how a file is formatted (`af-fmt`) or what the catalogs contain
//! (`af-catalog`): it asks them.

#![warn(missing_docs)]

pub mod actions;
pub mod completion;
pub mod context;
pub mod convert;
pub mod folding;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod model;
pub mod navigate;
pub mod semantic;
pub mod server;
pub mod snapshot;
pub mod stix;
pub mod symbols;
pub mod transport;

pub use server::{service, Backend, ServerOptions, Settings};
pub use snapshot::{Config, Snapshot};
pub use transport::serve;

/// Serves one client on standard input and output (what `afc lsp` runs). Blocks until the
/// client sends `exit` or closes standard input.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        ServerOptions::default(),
    ));
    // Do not wait for the thread blocked reading standard input.
    runtime.shutdown_background();
    Ok(())
}
