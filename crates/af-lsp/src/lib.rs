//! The afc language server (`afc lsp`): diagnostics, completion, hover, navigation, renaming,
//! outline, semantic tokens, formatting, folding, inlay hints and quick fixes for `.af` flows,
//! over the Language Server Protocol on standard input and output.
//!
//! Every feature is a pure function of a [`snapshot::Snapshot`] (one version of a document:
//! its text, syntax tree, diagnostics and the compiler's resolved model, [`af_compile::Model`]) working in byte offsets, in its own
//! module, testable without the protocol. [`server`] holds the documents, runs the features
//! off the async thread under `catch_unwind`, and [`convert`] turns byte spans into the
//! protocol's UTF-16 positions and results into protocol types.
//!
//! The protocol layer ([`server`], [`transport`], [`convert`]) is the default feature
//! `server`; without it the crate is the features alone, with no async runtime, as the
//! WebAssembly playground (`af-wasm`) uses them.
//!
//! This crate must not know how the language is parsed or checked (that is `af-syntax` and
//! `af-compile`: names, kinds, references and edges are read from the compiler's model), how a file is formatted (`af-fmt`) or what the catalogs contain
//! (`af-catalog`): it asks them.

#![warn(missing_docs)]

pub mod actions;
pub mod completion;
pub mod context;
#[cfg(feature = "server")]
pub mod convert;
#[cfg(feature = "defend")]
pub mod defend;
pub mod folding;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod navigate;
pub mod semantic;
#[cfg(feature = "server")]
pub mod server;
pub mod snapshot;
pub mod stix;
pub mod symbols;
#[cfg(feature = "server")]
pub mod transport;

#[cfg(feature = "server")]
pub use server::{service, Backend, ServerOptions, Settings};
pub use snapshot::{Config, Snapshot};
#[cfg(feature = "server")]
pub use transport::serve;

/// How `afc lsp` runs: what the client said on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// The client's process id (`--clientProcessId`): the server stops when that process is
    /// gone, as the protocol asks, even if the client never closed the pipe. Checked where
    /// `/proc` exists (Linux); ignored elsewhere.
    pub client_process_id: Option<u32>,
}

/// The exit code of a server that stopped: `0` after `shutdown` and `exit` (or when the
/// client closed the stream), `1` when `exit` came without `shutdown` or the client process
/// went away, as the protocol says.
pub type ExitCode = u8;

/// How often the client process is looked for.
#[cfg(feature = "server")]
const CLIENT_POLL: std::time::Duration = std::time::Duration::from_secs(3);

/// Serves one client on standard input and output (what `afc lsp` runs). Blocks until the
/// client sends `exit`, closes standard input, or (with a client process id) its process
/// ends; returns the exit code.
///
/// Checks and features run on a bounded pool: [`server::WORKER_THREADS`] workers, plus one
/// thread reading standard input and one writing standard output (tokio does both on its
/// blocking pool), so the number of threads, and with it the allocator's per-thread arenas,
/// does not grow with the number of requests in flight.
#[cfg(feature = "server")]
pub fn run_stdio(options: RunOptions) -> std::io::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(server::WORKER_THREADS + 2)
        .build()?;
    let code = runtime.block_on(async {
        let serve = serve(tokio::io::stdin(), tokio::io::stdout(), ServerOptions::default());
        match options.client_process_id.filter(|_| process_watch_supported()) {
            None => serve.await,
            Some(pid) => {
                tokio::select! {
                    code = serve => code,
                    () = client_gone(pid) => 1,
                }
            }
        }
    });
    // Do not wait for the thread blocked reading standard input.
    runtime.shutdown_background();
    Ok(code)
}

#[cfg(feature = "server")]
fn process_watch_supported() -> bool {
    std::path::Path::new("/proc/self").exists()
}

/// Resolves when process `pid` no longer exists (or has become a zombie).
#[cfg(feature = "server")]
async fn client_gone(pid: u32) {
    loop {
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                != Some("Z")
        });
        if !alive {
            return;
        }
        tokio::time::sleep(CLIENT_POLL).await;
    }
}
