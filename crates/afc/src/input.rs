//! Inputs and outputs of a run: expanding the command line (files, directories searched for
//! `.af` / `.json` / `.afb` files, glob patterns, `-` for stdin), reading each input (capped),
//! naming each output, checking the outputs before anything is written (no two inputs write
//! the same file, no output replaces an input), and writing them (atomically, via [`af_fs`]).

use af_fs::FileId;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Inputs larger than this are refused; the read itself stops here (devices and pipes too).
pub const MAX_SOURCE_BYTES: u64 = 256 * 1024 * 1024;

/// An input: its display name and where it comes from.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub path: Option<PathBuf>,
}

/// `.af`, or `.json or .afb`.
fn ext_list(exts: &[&str]) -> String {
    let dotted: Vec<String> = exts.iter().map(|e| format!(".{e}")).collect();
    dotted.join(" or ")
}

fn has_ext(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Expands the command line's inputs: `-` is stdin, a directory stands for every file with
/// one of the extensions `exts` under it (sorted), a glob pattern (`flows/**/*.json`, see
/// [`crate::glob`]) for the files it matches, anything else is a file.
pub fn expand(args: &[PathBuf], exts: &[&str]) -> Result<Vec<Input>, String> {
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
                return Err(format!(
                    "{}: no {} files in this directory",
                    a.display(),
                    ext_list(exts)
                ));
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

/// The files a glob pattern stands for: matched files with one of the extensions `exts` (any
/// matched file when the pattern's last part names an extension itself, as in `*.stix`), and
/// every such file under matched directories; sorted, each once.
fn expand_pattern(pattern: &str, exts: &[&str]) -> Result<Vec<Input>, String> {
    let matched = crate::glob::expand(pattern).map_err(|e| format!("{pattern}: {e}"))?;
    let explicit_ext = pattern
        .rsplit(['/', '\\'])
        .next()
        .is_some_and(|last| last.contains('.'));
    let mut files = Vec::new();
    for p in matched {
        if p.is_dir() {
            walk(&p, exts, &mut files).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if explicit_ext || has_ext(&p, exts) {
            files.push(p);
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Err(format!(
            "{pattern}: no {} files match this pattern",
            ext_list(exts)
        ));
    }
    Ok(files
        .into_iter()
        .map(|p| Input {
            name: p.display().to_string(),
            path: Some(p),
        })
        .collect())
}

/// Every file with one of the extensions `exts` under `dir`. Symbolic links to directories
/// are not followed (as `find` does not), and no directory is visited twice, so links and
/// mounts that form loops cannot make the walk endless.
fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut seen = HashSet::new();
    walk_in(dir, exts, out, &mut seen)
}

fn walk_in(
    dir: &Path,
    exts: &[&str],
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<FileId>,
) -> std::io::Result<()> {
    if let Some(id) = FileId::of(dir) {
        if !seen.insert(id) {
            return Ok(());
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            walk_in(&path, exts, out, seen)?;
        } else if has_ext(&path, exts) && (kind.is_file() || path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads an input as UTF-8 text, at most [`MAX_SOURCE_BYTES`].
pub fn read(input: &Input) -> Result<String, String> {
    match &input.path {
        None => af_fs::read_text_from(std::io::stdin().lock(), MAX_SOURCE_BYTES)
            .map_err(|e| format!("<stdin>: {e}")),
        Some(p) => af_fs::read_text(p, MAX_SOURCE_BYTES).map_err(|e| format!("{}: {e}", p.display())),
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
    af_fs::same_content(path, data.as_ref())
}

/// Writes `data` (text, or the bytes of a PNG) to `path` atomically, creating its directory
/// (see [`af_fs::write_atomic`]: through symbolic links to their targets; a file that already
/// holds `data` is left untouched, so its modification time stays). Every command writes its
/// files here.
pub fn write_file(path: &Path, data: impl AsRef<[u8]>) -> Result<af_fs::Written, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    af_fs::write_atomic(path, data.as_ref()).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where one output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The files a run is about to write, checked before any is written: an output must not be
/// one of the run's inputs (whatever path names it), and no two outputs may be the same file.
#[derive(Default)]
pub struct Outputs {
    inputs: HashMap<FileId, String>,
    claimed: HashMap<PathBuf, String>,
}

impl Outputs {
    /// Outputs for a run over `inputs`.
    pub fn new(inputs: &[Input]) -> Outputs {
        let inputs = inputs
            .iter()
            .filter_map(|i| Some((FileId::of(i.path.as_deref()?)?, i.name.clone())))
            .collect();
        Outputs {
            inputs,
            claimed: HashMap::new(),
        }
    }

    /// Claims `path` for the output made from `from` (an input's name, or what the file is).
    pub fn claim(&mut self, path: &Path, from: &str) -> Result<(), String> {
        if let Some(input) = FileId::of(path).and_then(|id| self.inputs.get(&id)) {
            return Err(format!(
                "{}: not written: it is the input {input}, which this run reads; give another \
                 output name (-o, --out-dir)",
                path.display()
            ));
        }
        let key = identity(path);
        if let Some(first) = self.claimed.get(&key) {
            return Err(format!(
                "{}: would be written for both {first} and {from}; give them different names \
                 or output directories",
                path.display()
            ));
        }
        self.claimed.insert(key, from.to_string());
        Ok(())
    }

    /// Claims the destinations of every input at once; all the conflicts, or none.
    pub fn claim_all<'a>(
        &mut self,
        dests: impl IntoIterator<Item = (&'a Input, &'a Dest)>,
    ) -> Result<(), Vec<String>> {
        let errors: Vec<String> = dests
            .into_iter()
            .filter_map(|(inp, dest)| match dest {
                Dest::File(path) => self.claim(path, &inp.name).err(),
                Dest::Stdout => None,
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// How a command names its outputs: its `-o` and `--out-dir` flags, the extension of what it
/// writes, and whether one input goes to standard output when neither flag is given.
pub struct Naming<'a> {
    pub output: Option<&'a Path>,
    pub out_dir: Option<&'a Path>,
    pub ext: &'a str,
    pub stdout_when_one: bool,
}

impl Outputs {
    /// The destination of every input, named by `naming` and claimed before anything is
    /// written: `-o` with several inputs, an output that is an input of the run, and two
    /// inputs writing one file are all reported (every one of them) and the run writes
    /// nothing. Creates the `--out-dir` directory. `Err` means: reported, exit 2.
    pub fn plan(&mut self, inputs: &[Input], naming: &Naming) -> Result<Vec<Dest>, ()> {
        let report = |errors: Vec<String>| {
            for e in errors {
                crate::output::fail(e);
            }
            crate::output::fail("nothing written");
        };
        if let Err(e) = check_single_output(naming.output, inputs.len()) {
            crate::output::fail(e);
            return Err(());
        }
        let (dests, mut errors) = match name_all(inputs, naming) {
            Ok(d) => (d, Vec::new()),
            Err(e) => (Vec::new(), e),
        };
        if errors.is_empty() {
            if let Err(e) = self.claim_all(inputs.iter().zip(&dests)) {
                errors = e;
            }
        }
        if !errors.is_empty() {
            report(errors);
            return Err(());
        }
        if let Some(dir) = naming.out_dir {
            if let Err(e) = create_dir(dir) {
                crate::output::fail(e);
                return Err(());
            }
        }
        Ok(dests)
    }

    /// Claims the one file a run writes (`-o` of a report), reporting a conflict; `Err`
    /// means: reported, exit 2.
    pub fn claim_one(&mut self, path: Option<&Path>, what: &str) -> Result<(), ()> {
        match path.map(|p| self.claim(p, what)) {
            Some(Err(e)) => {
                crate::output::fail(format!("{e}; nothing written"));
                Err(())
            }
            _ => Ok(()),
        }
    }
}

/// The destination of every input as `naming` names it (nothing claimed: for `--check`,
/// which compares instead of writing).
pub fn name_all(inputs: &[Input], naming: &Naming) -> Result<Vec<Dest>, Vec<String>> {
    let to_stdout = naming.stdout_when_one && inputs.len() == 1;
    let mut dests = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for inp in inputs {
        match destination(naming.output, naming.out_dir, inp, to_stdout, naming.ext) {
            Ok(d) => dests.push(d),
            Err(e) => errors.push(format!("{}: {e}", inp.name)),
        }
    }
    if errors.is_empty() {
        Ok(dests)
    } else {
        Err(errors)
    }
}

/// Writes the one report of a run (diff, stats, the analyses) to standard output, or to `-o
/// path` when it is none of the run's `inputs` ([`Outputs::claim`]), through [`emit`]. `false`:
/// reported, exit 2.
pub fn write_report(inputs: &[Input], path: Option<&Path>, text: &str) -> bool {
    let dest = match path {
        None => Dest::Stdout,
        Some(p) => {
            if Outputs::new(inputs).claim_one(Some(p), "the report").is_err() {
                return false;
            }
            Dest::File(p.to_path_buf())
        }
    };
    emit(&dest, text).is_some()
}

/// Whether writing `data` to `dest` would replace an existing file that holds something
/// else. Flow source is edited by hand, so `import` and `pull` replace one only with
/// `--force`.
pub fn would_replace(dest: &Dest, data: impl AsRef<[u8]>) -> bool {
    match dest {
        Dest::Stdout => false,
        // A device (`-o /dev/stdout`) holds nothing to lose.
        Dest::File(path) => std::fs::metadata(path).is_ok_and(|m| m.is_file()) && !same_content(path, data),
    }
}

/// What `import` and `pull` do before writing flow source: unless `force`, a file that would
/// be replaced is kept, said so (`NAME: skipped: …`) and added to `skipped`; true when kept.
pub fn keep_hand_written(
    force: bool,
    name: &str,
    dest: &Dest,
    data: &str,
    skipped: &mut Vec<PathBuf>,
) -> bool {
    if force || !would_replace(dest, data) {
        return false;
    }
    if let Dest::File(path) = dest {
        crate::output::say!(
            "{name}: skipped: {} exists and is not replaced (--force replaces it)",
            path.display()
        );
        skipped.push(path.clone());
    }
    true
}

/// The closing line of a run that kept files (see [`keep_hand_written`]).
pub fn say_kept(skipped: &[PathBuf]) {
    if skipped.is_empty() {
        return;
    }
    let list: Vec<String> = skipped.iter().map(|p| p.display().to_string()).collect();
    crate::output::say!(
        "{} existing file(s) not replaced: {}; --force replaces them",
        skipped.len(),
        list.join(", ")
    );
}

/// Writes one output where it goes: to standard output, or atomically to its file (through
/// [`write_file`]). Every command writes its outputs here, after claiming them with
/// [`Outputs`]. A failure is reported here and gives `None` (the run exits 2); standard
/// output gives `Some(Written)`.
pub fn emit(dest: &Dest, data: impl AsRef<[u8]>) -> Option<af_fs::Written> {
    match dest {
        Dest::Stdout => crate::output::stdout(data.as_ref()).then_some(af_fs::Written::Written),
        Dest::File(path) => match write_file(path, data) {
            Ok(w) => Some(w),
            Err(e) => {
                crate::output::fail(e);
                None
            }
        },
    }
}

/// The file a path writes: links followed, made absolute, `.` and `..` resolved (through the
/// real directory when it exists), so that two spellings of one file compare equal.
fn identity(path: &Path) -> PathBuf {
    let path = af_fs::resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute = if path.is_absolute() {
        path
    } else {
        std::env::current_dir().map_or(path.clone(), |cwd| cwd.join(&path))
    };
    if let (Some(dir), Some(name)) = (absolute.parent(), absolute.file_name()) {
        if let Ok(real) = std::fs::canonicalize(dir) {
            return real.join(name);
        }
    }
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &Path) -> Input {
        Input {
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
        }
    }

    #[test]
    fn outputs_never_replace_inputs_nor_each_other() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let a = dir.path().join("a.json");
        std::fs::write(&a, "{}").unwrap_or_else(|e| panic!("{e}"));
        let inputs = [input(&a)];
        let mut outputs = Outputs::new(&inputs);
        // The same file by another spelling.
        let other = dir.path().join("sub/../a.json");
        std::fs::create_dir_all(dir.path().join("sub")).unwrap_or_else(|e| panic!("{e}"));
        assert!(outputs
            .claim(&other, "x")
            .is_err_and(|e| e.contains("is the input")));
        let out = dir.path().join("out/flow.json");
        assert!(outputs.claim(&out, "a/flow.af").is_ok());
        let again = dir.path().join("out/./flow.json");
        let err = outputs.claim(&again, "b/flow.af").err().unwrap_or_default();
        assert!(err.contains("a/flow.af") && err.contains("b/flow.af"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn directory_walks_skip_linked_directories_and_loops() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("sub/a.af"), "").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("b.AF"), "").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(".", root.join("loop1")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(".", root.join("sub/loop2")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("sub/a.af", root.join("link.af")).unwrap_or_else(|e| panic!("{e}"));
        let mut found = Vec::new();
        walk(root, &["af"], &mut found).unwrap_or_else(|e| panic!("{e}"));
        found.sort();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        assert_eq!(names, ["b.AF", "link.af", "sub/a.af"]);
    }
}
