//! `afc completions` and `afc man`: shell completion scripts (clap_complete) and man pages
//! (clap_mangen), both made from the command-line definition itself, so they never drift
//! from `--help`. The release archives ship their output.

use crate::input;
use crate::output;
use std::io::Write;
use std::path::PathBuf;

/// The command line of `afc completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// The command line of `afc man`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write `afc.1` and a page per command (`afc-compile.1`, …) into this directory instead
    /// of printing `afc.1` to standard output.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

/// Prints the completion script of `cmd` for a shell.
pub fn completions(args: CompletionsArgs, mut cmd: clap::Command) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "afc", &mut script);
    write_stdout(&script)
}

/// Prints or writes the man pages of `cmd`.
pub fn man(args: ManArgs, mut cmd: clap::Command) -> u8 {
    cmd.build();
    let Some(dir) = args.out_dir else {
        return match page(&cmd) {
            Ok(text) => write_stdout(text.as_bytes()),
            Err(e) => {
                output::fail(e);
                output::USAGE
            }
        };
    };
    // After `build`, a command's display name is `afc-compile` and its usage `afc compile`.
    let subcommands = cmd.get_subcommands().filter(|s| s.get_name() != "help");
    for page_cmd in std::iter::once(&cmd).chain(subcommands) {
        let name = page_cmd.get_display_name().unwrap_or(page_cmd.get_name());
        let path = dir.join(format!("{name}.1"));
        if let Err(e) = page(page_cmd).and_then(|text| input::write_file(&path, &text)) {
            output::fail(e);
            return output::USAGE;
        }
    }
    output::OK
}

/// One man page in roff.
fn page(cmd: &clap::Command) -> Result<String, String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .map_err(|e| format!("man page of {}: {e}", cmd.get_name()))?;
    String::from_utf8(buf).map_err(|e| format!("man page of {}: {e}", cmd.get_name()))
}

fn write_stdout(bytes: &[u8]) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => output::OK,
        Err(e) => {
            output::fail(format!("standard output: {e}"));
            output::USAGE
        }
    }
}
