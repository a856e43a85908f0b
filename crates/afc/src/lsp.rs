//! `afc lsp`: the language server on standard input and output. The transport arguments that
//! LSP clients add by convention are accepted: `--stdio` (vscode-languageclient appends it),
//! `--clientProcessId` (the server stops when that process is gone); `--node-ipc`,
//! `--socket` and `--pipe` ask for transports afc does not speak and get a clear error.

use crate::output;

/// Arguments of `afc lsp`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  afc lsp                 # what editors run\n  afc lsp --stdio --clientProcessId=4242\n\nThe server speaks the Language Server Protocol over standard input and output only.\nSee docs/editors.md for VS Code, Neovim, Helix, Zed and Emacs."
)]
pub struct Args {
    /// Use standard input and output (the default and the only transport; accepted because
    /// LSP clients such as vscode-languageclient add it).
    #[arg(long)]
    stdio: bool,
    /// The editor's process id: the server exits when that process is gone.
    #[arg(
        long = "clientProcessId",
        visible_alias = "client-process-id",
        value_name = "PID"
    )]
    client_process_id: Option<u32>,
    /// Not supported: Node.js IPC (use --stdio).
    #[arg(long = "node-ipc", hide = true)]
    node_ipc: bool,
    /// Not supported: a TCP socket (use --stdio).
    #[arg(long, value_name = "PORT", hide = true)]
    socket: Option<String>,
    /// Not supported: a named pipe (use --stdio).
    #[arg(long, value_name = "NAME", hide = true)]
    pipe: Option<String>,
}

/// Runs the server and returns the exit code.
pub fn run(args: Args) -> u8 {
    let unsupported = if args.node_ipc {
        Some("--node-ipc")
    } else if args.socket.is_some() {
        Some("--socket")
    } else if args.pipe.is_some() {
        Some("--pipe")
    } else {
        None
    };
    if let Some(flag) = unsupported {
        output::fail(format_args!(
            "afc lsp speaks the Language Server Protocol over standard input and output only, not {flag}; \
             configure the editor to start `afc lsp` with the stdio transport (--stdio)"
        ));
        return output::USAGE;
    }
    let options = af_lsp::RunOptions {
        client_process_id: args.client_process_id,
    };
    match af_lsp::run_stdio(options) {
        Ok(code) => code,
        Err(e) => {
            output::fail(format_args!("afc lsp: {e}"));
            output::USAGE
        }
    }
}
