//! Reading inputs: files, directories (searched for `.af` / `.json` files), glob patterns and
//! `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Sources larger than this are refused before reading.
pub const MAX_SOURCE_BYTES: u64 = 256 * 1024 * 1024;

/// An input: its display name and where it comes from.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub path: Option<PathBuf>,
}

/// Expands the command line's inputs: `-` is stdin, a directory stands for every file with
/// extension `ext` under it (sorted), a glob pattern (`flows/**/*.json`, see [`crate::glob`])
/// for the files it matches, anything else is a file.
pub fn expand(args: &[PathBuf], ext: &str) -> Result<Vec<Input>, String> {
    expand_any(args, &[ext])
}

/// [`expand`] for inputs of several kinds: directories and patterns stand for the files with
/// any of the extensions `exts`.
pub fn expand_any(args: &[PathBuf], exts: &[&str]) -> Result<Vec<Input>, String> {
    let ext = exts.join("/.");
    let mut out = Vec::new();
    for a in args {
        if a.as_os_str() == "-" {
            out.push(Input {
                name: "<stdin>".into(),
                path: None,
            });
        } else if a.is_dir() {
            let mut found = Vec::new();
            walk(a, exts, &mut found).map_err(|e| format!("{}: {e}", a.display()))?;
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: no .{ext} files in this directory", a.display()));
            }
            out.extend(found.into_iter().map(|p| Input {
                name: p.display().to_string(),
                path: Some(p),
            }));
        } else if !a.exists() && crate::glob::is_pattern(&a.to_string_lossy()) {
            out.extend(expand_pattern(&a.to_string_lossy(), exts)?);
        } else {
            out.push(Input {
                name: a.display().to_string(),
                path: Some(a.clone()),
            });
        }
    }
    Ok(out)
}

/// The files a glob pattern stands for: matched files with extension `ext` (any matched file
/// when the pattern's last part names an extension itself, as in `*.stix`), and every `ext`
/// file under matched directories; sorted, each once.
fn expand_pattern(pattern: &str, exts: &[&str]) -> Result<Vec<Input>, String> {
    let ext = exts.join("/.");
    let matched = crate::glob::expand(pattern).map_err(|e| format!("{pattern}: {e}"))?;
    let explicit_ext = pattern
        .rsplit(['/', '\\'])
        .next()
        .is_some_and(|last| last.contains('.'));
    let mut files = Vec::new();
    for p in matched {
        if p.is_dir() {
            walk(&p, exts, &mut files).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if explicit_ext || p.extension().is_some_and(|e| exts.iter().any(|x| e == *x)) {
            files.push(p);
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Err(format!("{pattern}: no .{ext} files match this pattern"));
    }
    Ok(files
        .into_iter()
        .map(|p| Input {
            name: p.display().to_string(),
            path: Some(p),
        })
        .collect())
}

fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, exts, out)?;
        } else if path.extension().is_some_and(|e| exts.iter().any(|x| e == *x)) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads an input as UTF-8 text.
pub fn read(input: &Input) -> Result<String, String> {
    match &input.path {
        None => {
            let mut s = String::new();
            std::io::stdin()
                .take(MAX_SOURCE_BYTES + 1)
                .read_to_string(&mut s)
                .map_err(|e| format!("<stdin>: {e}"))?;
            if s.len() as u64 > MAX_SOURCE_BYTES {
                return Err(format!(
                    "<stdin>: input is larger than {} MiB",
                    MAX_SOURCE_BYTES >> 20
                ));
            }
            Ok(s)
        }
        Some(p) => {
            let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
            if meta.len() > MAX_SOURCE_BYTES {
                return Err(format!(
                    "{}: file is larger than {} MiB",
                    p.display(),
                    MAX_SOURCE_BYTES >> 20
                ));
            }
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "{}: not UTF-8 text (byte {})",
                    p.display(),
                    e.utf8_error().valid_up_to()
                )
            })
        }
    }
}

/// `SOURCE_DATE_EPOCH` when set to an integer.
pub fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("SOURCE_DATE_EPOCH must be whole seconds since 1970, not `{v}`")),
        _ => Ok(None),
    }
}

/// Compiler options from the environment (`SOURCE_DATE_EPOCH`) and `--attack-bundle`.
pub fn compile_options(attack_bundle: Option<&Path>) -> Result<af_compile::Options, String> {
    let source_date_epoch = source_date_epoch()?;
    let catalog = match attack_bundle {
        None => None,
        Some(path) => Some(std::sync::Arc::new(
            af_catalog::Catalog::from_attack_bundle_file(path)
                .map_err(|e| format!("{}: {e}", path.display()))?,
        )),
    };
    Ok(af_compile::Options {
        source_date_epoch,
        catalog,
    })
}

/// The name an input's outputs are given: its file stem, or `stdin`.
pub fn stem(inp: &Input) -> String {
    inp.path
        .as_ref()
        .and_then(|p| p.file_stem())
        .map_or_else(|| "stdin".to_string(), |s| s.to_string_lossy().into_owned())
}

/// `-o OUT` names one file, so it takes one input.
pub fn check_single_output(output: Option<&Path>, inputs: usize) -> Result<(), String> {
    if output.is_some() && inputs > 1 {
        return Err("-o/--output takes one input; use --out-dir for several".into());
    }
    Ok(())
}

/// Creates the `--out-dir` directory.
pub fn create_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Whether `path` holds exactly `data`.
pub fn same_content(path: &Path, data: impl AsRef<[u8]>) -> bool {
    std::fs::read(path).is_ok_and(|b| b == data.as_ref())
}

/// Writes `data` (text, or the bytes of a PNG) to `path`, creating its directory. A file that
/// already holds `data` is left untouched, so its modification time stays (build tools rely on
/// it).
pub fn write_file(path: &Path, data: impl AsRef<[u8]>) -> Result<(), String> {
    let text = data.as_ref();
    if same_content(path, text) {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where one output goes.
pub enum Dest {
    Stdout,
    File(PathBuf),
}

/// The destination of the output made from `inp`: `-o OUT`, else `DIR/<stem>.<ext>` with
/// `--out-dir`, else standard output when `to_stdout` (one input, nothing asks for files), else
/// the file beside the source with extension `ext`.
pub fn destination(
    output: Option<&Path>,
    out_dir: Option<&Path>,
    inp: &Input,
    to_stdout: bool,
    ext: &str,
) -> Result<Dest, String> {
    if let Some(o) = output {
        return Ok(Dest::File(o.to_path_buf()));
    }
    let stem = stem(inp);
    if let Some(dir) = out_dir {
        return Ok(Dest::File(dir.join(format!("{stem}.{ext}"))));
    }
    if to_stdout {
        return Ok(Dest::Stdout);
    }
    match &inp.path {
        Some(p) => Ok(Dest::File(p.with_extension(ext))),
        None => Err("standard input has no place beside it: give -o or --out-dir".into()),
    }
}
