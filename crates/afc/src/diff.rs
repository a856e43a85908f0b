//! `afc diff`: a semantic diff of two flows (`.af`, bundles, `.afb`, git revisions).

use crate::flows::{self, LoadError, Loaded};
use crate::input::{self, Input};
use crate::output;
use af_diff::render::Names;
use af_diff::Side;
use std::path::{Path, PathBuf};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DiffFormat {
    /// For people: `+` added, `-` removed, `~` changed, `»` renamed, edges as the language
    /// writes them.
    #[default]
    Human,
    /// One JSON document (see docs/cli.md).
    Json,
    /// A pull-request comment: summary, table of node changes, edge changes, a Mermaid picture.
    Markdown,
    /// A Mermaid flowchart of both sides with the changes marked.
    Mermaid,
    /// The flow picture (SVG) of both sides with nodes and edges added, removed and changed
    /// marked, and a legend.
    Svg,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old flow: a .af file, a STIX bundle (.json), a Builder file (.afb), `-` for standard
    /// input, `REV:path` (a file at a git revision, path from the top of the repository), or a
    /// git revision alone (then the old flow is NEW at that revision).
    #[arg(value_name = "OLD")]
    old: String,
    /// The new flow, in any of the same forms (but not a revision alone).
    #[arg(value_name = "NEW")]
    new: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// The output format, for a picture (`--to svg` is `--format svg`).
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "format")]
    to: Option<DiffFormat>,
    /// Leave the Mermaid picture out of the Markdown comment.
    #[arg(long)]
    no_picture: bool,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Compile and look up techniques with this ATT&CK STIX bundle instead of the embedded
    /// ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

/// One side: its display name, the path that decides its kind, and its text.
struct Source {
    name: String,
    path: Option<PathBuf>,
    text: String,
}

fn is_git_spec(arg: &str) -> Option<(&str, &str)> {
    let (rev, path) = arg.split_once(':')?;
    // `C:\…` is a Windows path, `-` stdin; a revision never is empty.
    if rev.is_empty() || (rev.len() == 1 && path.starts_with(['\\', '/'])) {
        return None;
    }
    Some((rev, path))
}

fn read_side(arg: &str, partner: Option<&str>) -> Result<Source, String> {
    let as_path = Path::new(arg);
    if arg == "-" || as_path.exists() {
        let inp = Input {
            name: if arg == "-" {
                "<stdin>".into()
            } else {
                arg.to_string()
            },
            path: (arg != "-").then(|| as_path.to_path_buf()),
        };
        return Ok(Source {
            text: input::read(&inp)?,
            name: inp.name,
            path: inp.path,
        });
    }
    if let Some((_, path)) = is_git_spec(arg) {
        return Ok(Source {
            text: flows::git_show_spec(arg)?,
            name: arg.to_string(),
            path: Some(PathBuf::from(path)),
        });
    }
    if let Some(file) = partner.filter(|_| flows::is_revision(arg)) {
        let path = PathBuf::from(file);
        return Ok(Source {
            text: flows::git_show_file(arg, &path)?,
            name: format!("{arg}:{file}"),
            path: Some(path),
        });
    }
    Err(format!("{arg}: no such file, `REV:path` or git revision"))
}

fn load_side(src: &Source, options: &af_compile::Options, color: bool) -> Result<Loaded, ()> {
    match flows::load(src.path.as_deref(), &src.text, options) {
        Ok(l) => Ok(l),
        Err(LoadError::Diagnostics(diags, text)) => {
            output::human(&diags, &src.name, &text, color);
            output::fail(format!(
                "{}: the flow has errors; fix them to compare it",
                src.name
            ));
            Err(())
        }
        Err(e) => {
            output::fail(format!("{}: {}", src.name, e.reason()));
            Err(())
        }
    }
}

fn side(l: &Loaded) -> Side<'_> {
    Side {
        objects: &l.objects,
        names: &l.names,
        written_names: l.written_names,
    }
}

pub fn run(args: Args, color: output::ColorChoice) -> u8 {
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let new_src = match read_side(&args.new, None) {
        Ok(s) => s,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let partner = new_src
        .path
        .as_ref()
        .map(|_| args.new.as_str())
        .filter(|_| args.new != "-");
    let old_src = match read_side(&args.old, partner) {
        Ok(s) => s,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let diag_color = color.enabled();
    let (Ok(old), Ok(new)) = (
        load_side(&old_src, &options, diag_color),
        load_side(&new_src, &options, diag_color),
    ) else {
        return output::USAGE;
    };
    let (a, b) = (side(&old), side(&new));
    let d = af_diff::diff(a, b);
    let catalog = options
        .catalog
        .as_deref()
        .unwrap_or(af_catalog::Catalog::embedded());
    let names = Names {
        old: &old_src.name,
        new: &new_src.name,
    };
    let text = match args.to.unwrap_or(args.format) {
        DiffFormat::Human => {
            let paint = if args.output.is_some() {
                false
            } else {
                color.enabled_for_stdout()
            };
            // Text from the flows is escaped for the terminal by the renderer, with colour or
            // without.
            af_diff::render::human(&d, names, catalog, paint)
        }
        DiffFormat::Json => af_diff::render::json(&d, names),
        DiffFormat::Markdown => {
            let picture =
                (!args.no_picture && !d.is_empty()).then(|| af_diff::render::mermaid(&d, a, b, catalog));
            af_diff::render::markdown(&d, names, catalog, picture.as_deref())
        }
        DiffFormat::Mermaid => af_diff::render::mermaid(&d, a, b, catalog),
        DiffFormat::Svg => match af_diff::render::svg(&d, a, b, catalog) {
            Ok(svg) => svg,
            Err(e) => {
                output::fail(format!("cannot draw the flows: {e}"));
                return output::USAGE;
            }
        },
    };
    // Neither side's file is replaced by the report.
    let sides: Vec<Input> = [&args.old, &args.new]
        .into_iter()
        .filter(|a| Path::new(a.as_str()).exists())
        .map(|a| Input {
            name: a.clone(),
            path: Some(PathBuf::from(a)),
        })
        .collect();
    if !input::write_report(&sides, args.output.as_deref(), &text) {
        return output::USAGE;
    }
    if d.is_empty() {
        output::OK
    } else {
        output::FAILED
    }
}
