//! `afc attack`: look up techniques, tactics, groups, software and mitigations in the embedded
//! MITRE catalogs (or in a user-supplied ATT&CK bundle), search techniques by name, and list
//! tactics. Every answer comes from `af-catalog`; this module only picks and renders.
//!
//! The JSON shapes written here are documented in `docs/cli.md` ("afc attack") and are meant
//! to stay stable: add fields, do not rename or remove them.

use crate::output;
use af_catalog::{AttackObject, Catalog, CatalogKind, Domain, ObjectKind, Status, Tactic, Technique};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// Arguments of `afc attack`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// Show a technique, tactic, group, software or mitigation by id.
    ///
    /// Techniques: name, catalog, domains, tactics, platforms, parent and sub-techniques,
    /// status (revoked ids name the technique at the end of their revoked-by chain), STIX id
    /// and web page. Exits with status 1 and did-you-mean suggestions for an unknown id.
    Show(ShowArgs),
    /// Search techniques by words of their names or by id prefix, best matches first.
    ///
    /// Prints one technique per line: id, full name, tactics. Sub-techniques found together
    /// with their parent are listed right after it. Exits with status 1 when nothing matches.
    Search(SearchArgs),
    /// List tactics in matrix order with their technique counts.
    Tactics(TacticsArgs),
}

/// Flags every `afc attack` subcommand takes.
#[derive(clap::Args, Debug)]
struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Read ATT&CK from this ATT&CK STIX 2.x bundle instead of the embedded ATT&CK v19.1
    /// (ATLAS, D3FEND and F3 stay embedded).
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct ShowArgs {
    /// A technique (T1566.001, AML.T0051, D3-AA, F3.T1660), tactic (TA0001, AML.TA0002, or an
    /// ATT&CK short name such as initial-access), group (G0016), software (S0154) or
    /// mitigation (M1049) id. Case does not matter.
    #[arg(value_name = "ID")]
    id: String,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args, Debug)]
struct SearchArgs {
    /// Words to look for in technique names (`phish`, `valid accounts`), or an id prefix.
    #[arg(required = true, value_name = "WORDS")]
    words: Vec<String>,
    /// Search only this catalog (repeat for several; default: all).
    #[arg(long = "catalog", value_enum, value_name = "CATALOG")]
    catalogs: Vec<CatalogArg>,
    /// Show at most N results (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Include revoked, deprecated and removed techniques.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args, Debug)]
struct TacticsArgs {
    /// List only this catalog's tactics (repeat for several; default: all).
    #[arg(long = "catalog", value_enum, value_name = "CATALOG")]
    catalogs: Vec<CatalogArg>,
    /// List only the ATT&CK tactics of this domain.
    #[arg(long, value_enum)]
    domain: Option<DomainArg>,
    /// Include deprecated tactics.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    common: Common,
}

/// Output format of `afc attack`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// Aligned text for people.
    Human,
    /// One pretty-printed JSON value (see docs/cli.md).
    Json,
}

/// A catalog as written on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CatalogArg {
    /// MITRE ATT&CK (enterprise, mobile, ICS).
    Attack,
    /// MITRE ATLAS.
    Atlas,
    /// MITRE D3FEND.
    D3fend,
    /// MITRE F3.
    F3,
}

impl CatalogArg {
    pub(crate) fn kind(self) -> CatalogKind {
        match self {
            CatalogArg::Attack => CatalogKind::Attack,
            CatalogArg::Atlas => CatalogKind::Atlas,
            CatalogArg::D3fend => CatalogKind::D3fend,
            CatalogArg::F3 => CatalogKind::F3,
        }
    }
}

/// An ATT&CK domain as written on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DomainArg {
    /// Enterprise ATT&CK.
    Enterprise,
    /// Mobile ATT&CK.
    Mobile,
    /// ATT&CK for ICS.
    Ics,
}

impl DomainArg {
    fn domain(self) -> Domain {
        match self {
            DomainArg::Enterprise => Domain::Enterprise,
            DomainArg::Mobile => Domain::Mobile,
            DomainArg::Ics => Domain::Ics,
        }
    }
}

/// Runs `afc attack …` and returns the exit code.
pub fn run(args: Args) -> u8 {
    match args.command {
        Sub::Show(a) => with_catalog(&a.common, |cat| show(cat, &a)),
        Sub::Search(a) => with_catalog(&a.common, |cat| search(cat, &a)),
        Sub::Tactics(a) => with_catalog(&a.common, |cat| tactics(cat, &a)),
    }
}

fn with_catalog(common: &Common, f: impl FnOnce(&Catalog) -> u8) -> u8 {
    match load(common) {
        Ok(cat) => f(&cat),
        Err(e) => {
            output::fail(e);
            output::USAGE
        }
    }
}

/// The embedded catalog, or one whose ATT&CK part comes from `--attack-bundle`.
fn load(common: &Common) -> Result<Cow<'static, Catalog>, String> {
    let Some(path) = &common.attack_bundle else {
        return Ok(Cow::Borrowed(Catalog::embedded()));
    };
    let cat = Catalog::from_attack_bundle_file(path).map_err(|e| match e {
        // These two already name the file.
        af_catalog::CatalogError::Io { .. } | af_catalog::CatalogError::TooLarge { .. } => e.to_string(),
        _ => format!("{}: {e}", path.display()),
    })?;
    let warnings = cat.load_warnings();
    if !warnings.is_empty() {
        eprintln!(
            "warning: {}: skipped {} record(s) while loading the ATT&CK bundle:",
            path.display(),
            warnings.len()
        );
        for w in warnings.iter().take(3) {
            eprintln!("  {w}");
        }
        if warnings.len() > 3 {
            eprintln!("  … and {} more", warnings.len() - 3);
        }
    }
    Ok(Cow::Owned(cat))
}

/// Writes `text` to stdout, ignoring a closed pipe (`afc attack search x | head`).
fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => print(&format!("{s}\n")),
        Err(e) => output::fail(format!("cannot write JSON: {e}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared wording

/// `ATT&CK v19.1`, `ATT&CK 99.0 (from --attack-bundle)`, `ATLAS`.
fn catalog_label(cat: &Catalog, kind: CatalogKind) -> String {
    if kind != CatalogKind::Attack {
        return kind.to_string();
    }
    match (cat.attack_from_bundle(), cat.attack_version()) {
        (false, Some(v)) => format!("ATT&CK v{v}"),
        (false, None) => "ATT&CK".to_string(),
        (true, Some(v)) => format!("ATT&CK {v} (from --attack-bundle)"),
        (true, None) => "ATT&CK (from --attack-bundle)".to_string(),
    }
}

/// The stable one-word status used in JSON: `active`, `deprecated`, `revoked`, `removed`.
fn status_code(status: &Status) -> &'static str {
    match status {
        Status::Active => "active",
        Status::Deprecated => "deprecated",
        Status::Revoked { .. } => "revoked",
        Status::Removed { .. } => "removed",
    }
}

/// `TA0001 Initial Access`, or just `Detect` for D3FEND tactics, whose id is their name.
fn tactic_label(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) if n != id => format!("{id} {n}"),
        _ => id.to_string(),
    }
}

/// The tactics of a technique, with names where the catalog knows them.
fn technique_tactics<'c>(cat: &'c Catalog, t: &'c Technique) -> Vec<(&'c str, Option<&'c Tactic>)> {
    t.tactics
        .iter()
        .map(|id| (id.as_ref(), cat.tactic_for(t, id)))
        .collect()
}

fn tactics_json(list: &[(&str, Option<&Tactic>)]) -> Value {
    Value::Array(
        list.iter()
            .map(|(id, t)| json!({ "id": id, "name": t.map(|t| t.name.as_ref()) }))
            .collect(),
    )
}

fn tactics_human(list: &[(&str, Option<&Tactic>)]) -> String {
    list.iter()
        .map(|(id, t)| tactic_label(id, t.map(|t| t.name.as_ref())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The technique a status points to, with its full name when the catalog has it.
fn technique_ref(cat: &Catalog, id: &str) -> Value {
    json!({ "id": id, "name": cat.technique(id).map(|t| t.full_name()) })
}

fn id_and_name(id: &str, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}

/// A technique's status in words, one clause per line: `revoked; replaced by T1574.001
/// (Hijack Execution Flow: DLL)`.
fn technique_status_lines(cat: &Catalog, t: &Technique) -> Vec<String> {
    let named = |id: &str| {
        let target = cat.technique(id);
        let mut s = id_and_name(id, target.map(Technique::full_name));
        if let Some(target) = target.filter(|x| !x.status.is_active()) {
            let _ = write!(s, ", itself {}", status_code(&target.status));
        }
        s
    };
    const REMOVED: &str = "removed: active in ATT&CK v18.1, no longer current in v19";
    match &t.status {
        Status::Active => vec!["active".to_string()],
        Status::Deprecated => vec!["deprecated by MITRE; no replacement".to_string()],
        Status::Revoked { by: Some(by) } => vec![format!("revoked; replaced by {}", named(by))],
        Status::Revoked { by: None } => vec!["revoked by MITRE; no replacement recorded".to_string()],
        Status::Removed { successor: Some(s) } => vec![
            format!("{REMOVED};"),
            format!("likely successor {}", named(s)),
            "(same name; MITRE's v19 data records no revoked-by link)".to_string(),
        ],
        Status::Removed { successor: None } => vec![format!("{REMOVED}; no successor with the same name")],
    }
}

/// [`technique_status_lines`] as one line, for JSON.
fn technique_status_text(cat: &Catalog, t: &Technique) -> String {
    technique_status_lines(cat, t).join(" ")
}

fn object_status_text(cat: &Catalog, o: &AttackObject) -> String {
    match &o.status {
        Status::Revoked { by: Some(by) } => format!(
            "revoked; replaced by {}",
            id_and_name(by, cat.object(o.kind, by).map(|x| x.name.to_string()))
        ),
        Status::Active => "active".to_string(),
        Status::Deprecated => "deprecated by MITRE; no replacement".to_string(),
        Status::Revoked { by: None } => "revoked by MITRE; no replacement recorded".to_string(),
        Status::Removed { .. } => "no longer current".to_string(),
    }
}

/// The width of the label column of `show` (`sub-techniques`).
const LABEL_WIDTH: usize = 14;

/// Label/value lines under a heading, the values aligned.
#[derive(Default)]
struct Block {
    rows: Vec<(&'static str, Vec<String>)>,
}

impl Block {
    fn line(&mut self, label: &'static str, value: impl Into<String>) {
        self.rows.push((label, vec![value.into()]));
    }

    fn lines(&mut self, label: &'static str, values: Vec<String>) {
        if !values.is_empty() {
            self.rows.push((label, values));
        }
    }

    fn render(&self, heading: &str, out: &mut String) {
        // At least as wide as the longest label any `show` uses, so outputs line up alike.
        let width = self
            .rows
            .iter()
            .map(|(l, _)| l.len())
            .fold(LABEL_WIDTH, usize::max);
        let _ = writeln!(out, "{heading}");
        for (label, values) in &self.rows {
            for (i, v) in values.iter().enumerate() {
                let label = if i == 0 { *label } else { "" };
                let _ = writeln!(out, "{}", format!("  {label:width$}  {v}").trim_end());
            }
        }
    }
}

/// Columns separated by two spaces (left-aligned unless listed in `right_aligned`), trailing
/// blanks trimmed.
fn table_lines(rows: &[Vec<String>], right_aligned: &[usize]) -> Vec<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    line.push_str("  ");
                }
                let pad = widths[c].saturating_sub(cell.chars().count());
                if right_aligned.contains(&c) {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// [`table_lines`], one string with a newline after each line.
fn table(rows: &[Vec<String>], right_aligned: &[usize]) -> String {
    table_lines(rows, right_aligned)
        .into_iter()
        .map(|l| l + "\n")
        .collect()
}

// ---------------------------------------------------------------------------------------------
// show

fn show(cat: &Catalog, args: &ShowArgs) -> u8 {
    let id = args.id.trim();
    if args.common.format == Format::Json {
        return match show_json(cat, id) {
            Ok(v) => {
                print_json(&v);
                output::OK
            }
            Err(_) => unknown_id(cat, id, true),
        };
    }
    if let Some(t) = cat.technique(id) {
        print(&technique_human(cat, t));
        return output::OK;
    }
    if let Some(t) = cat.tactic(id) {
        print(&tactic_human(cat, t));
        return output::OK;
    }
    let objects: Vec<&AttackObject> = cat.objects_with_id(id).collect();
    if !objects.is_empty() {
        let mut out = String::new();
        for (i, o) in objects.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&object_human(cat, o));
        }
        print(&out);
        return output::OK;
    }
    unknown_id(cat, id, false)
}

/// What `afc attack show ID --format json` prints for a technique, tactic, group, software
/// or mitigation id; for an unknown id, `Err` with the did-you-mean suggestions.
pub(crate) fn show_json(cat: &Catalog, id: &str) -> Result<Value, Value> {
    let id = id.trim();
    if let Some(t) = cat.technique(id) {
        return Ok(technique_json(cat, t));
    }
    if let Some(t) = cat.tactic(id) {
        return Ok(tactic_json(cat, t));
    }
    let objects: Vec<&AttackObject> = cat.objects_with_id(id).collect();
    if let Some((first, others)) = objects.split_first() {
        let mut v = object_json(cat, first);
        if let Value::Object(map) = &mut v {
            map.insert(
                "also".into(),
                Value::Array(others.iter().map(|o| object_json(cat, o)).collect()),
            );
        }
        return Ok(v);
    }
    Err(unknown_json(cat, id))
}

/// The JSON for an unknown id: the id and the did-you-mean suggestions.
fn unknown_json(cat: &Catalog, id: &str) -> Value {
    let list: Vec<Value> = suggestions(cat, id)
        .iter()
        .map(|s| json!({ "id": s.id, "name": s.name, "kind": s.kind }))
        .collect();
    json!({ "error": "unknown id", "id": id, "suggestions": list })
}

fn unknown_id(cat: &Catalog, id: &str, json: bool) -> u8 {
    let suggestions = suggestions(cat, id);
    output::fail(format!("unknown id `{id}`"));
    if json {
        print_json(&unknown_json(cat, id));
    } else if suggestions.is_empty() {
        eprintln!("help: `afc attack search WORDS` finds techniques by name");
    } else {
        let rows: Vec<Vec<String>> = suggestions
            .iter()
            .map(|s| {
                let mut row = vec![format!("  {}", s.id), s.name.clone()];
                if s.kind != "technique" {
                    row.push(format!("({})", s.kind));
                }
                row
            })
            .collect();
        eprint!("did you mean:\n{}", table(&rows, &[]));
    }
    output::FAILED
}

/// A did-you-mean candidate.
struct Suggestion {
    id: String,
    name: String,
    /// `technique`, `tactic`, `group`, `software` or `mitigation`.
    kind: String,
}

/// Did-you-mean for an id that names nothing: tactic-, group-, software- and mitigation-like
/// ids get close ids of their kind, everything else close technique ids or names.
fn suggestions(cat: &Catalog, id: &str) -> Vec<Suggestion> {
    const MAX: usize = 3;
    const TACTIC_PREFIXES: [&str; 4] = ["AML.TA", "F3.TA", "F3.FA", "TA"];
    const OBJECT_PREFIXES: [&str; 3] = ["G", "S", "M"];
    let up = id.to_ascii_uppercase();
    // The id's kind prefix, when the rest looks like a number (possibly mistyped: `G0O16`).
    let shaped = |prefixes: &[&'static str]| {
        prefixes.iter().copied().find(|p| {
            up.strip_prefix(p).is_some_and(|rest| {
                rest.bytes().any(|b| b.is_ascii_digit()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            })
        })
    };
    let prefix = shaped(&TACTIC_PREFIXES).or_else(|| shaped(&OBJECT_PREFIXES));
    let Some(prefix) = prefix else {
        return cat
            .suggest(id)
            .into_iter()
            .map(|t| Suggestion {
                id: t.id.to_string(),
                name: t.full_name(),
                kind: "technique".to_string(),
            })
            .collect();
    };
    // `O` for `0` and `I`/`L` for `1` are the likeliest slips; such a fix ranks first.
    let fixed: String = prefix
        .chars()
        .chain(up[prefix.len()..].chars().map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        }))
        .collect();
    let mut found: Vec<(bool, Suggestion)> = Vec::new();
    let mut consider = |cid: &str, name: &str, kind: String| {
        let cup = cid.to_ascii_uppercase();
        if (cup == fixed || edit_distance(&cup, &up) <= 1) && !found.iter().any(|f| f.1.id == cid) {
            let s = Suggestion {
                id: cid.to_string(),
                name: name.to_string(),
                kind,
            };
            found.push((cup != fixed, s));
        }
    };
    if TACTIC_PREFIXES.contains(&prefix) {
        for t in cat.tactics(None) {
            consider(&t.id, &t.name, "tactic".to_string());
        }
    } else {
        for o in cat.objects() {
            consider(&o.id, &o.name, o.kind.to_string());
        }
    }
    found.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    found.into_iter().take(MAX).map(|(_, s)| s).collect()
}

/// Edits (insert, delete, substitute) that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn technique_json(cat: &Catalog, t: &Technique) -> Value {
    let tactics = technique_tactics(cat, t);
    let tactics_v18: Vec<Value> = t
        .tactics_v18
        .iter()
        .map(|id| {
            let tactic = cat.tactic_for(t, id);
            let name = tactic.map(|x| x.name_v18.as_deref().unwrap_or(&x.name));
            json!({ "id": id, "name": name })
        })
        .collect();
    let parent = t.parent.as_deref().map(|p| technique_ref(cat, p));
    let subs: Vec<Value> = t
        .subtechniques
        .iter()
        .map(|id| {
            let sub = cat.technique(id);
            json!({
                "id": id,
                "name": sub.map(Technique::full_name),
                "status": sub.map(|s| status_code(&s.status)),
            })
        })
        .collect();
    json!({
        "kind": "technique",
        "id": t.id,
        "name": t.full_name(),
        "name_v18": t.name_v18,
        "catalog": t.catalog.code(),
        "domains": t.domains.iter().map(Domain::to_string).collect::<Vec<_>>(),
        "tactics": tactics_json(&tactics),
        "tactics_v18": tactics_v18,
        "platforms": t.platforms,
        "parent": parent,
        "subtechniques": subs,
        "status": status_code(&t.status),
        "replaced_by": t.status.replacement().map(|r| technique_ref(cat, r)),
        "status_note": technique_status_text(cat, t),
        "stix_id": t.stix_id,
        "url": t.url(),
    })
}

fn technique_human(cat: &Catalog, t: &Technique) -> String {
    let mut b = Block::default();
    b.line(
        "kind",
        if t.is_subtechnique() {
            "sub-technique"
        } else {
            "technique"
        },
    );
    b.line("catalog", catalog_label(cat, t.catalog));
    if !t.domains.is_empty() {
        let domains: Vec<String> = t.domains.iter().map(Domain::to_string).collect();
        b.line("domains", domains.join(", "));
    }
    b.lines("status", technique_status_lines(cat, t));
    if let Some(old) = &t.name_v18 {
        b.line("v18.1 name", old.to_string());
    }
    let tactics = technique_tactics(cat, t);
    let tactic_rows: Vec<Vec<String>> = tactics
        .iter()
        .map(|(id, x)| vec![id.to_string(), x.map(|x| x.name.to_string()).unwrap_or_default()])
        .filter(|r| r[0] != r[1])
        .collect();
    if tactic_rows.len() == tactics.len() {
        b.lines("tactics", table_lines(&tactic_rows, &[]));
    } else {
        // D3FEND tactics are their own names.
        b.lines("tactics", vec![tactics_human(&tactics)]);
    }
    if t.tactics_changed_since_v18() {
        let old: Vec<String> = t
            .tactics_v18
            .iter()
            .map(|id| {
                let x = cat.tactic_for(t, id);
                tactic_label(id, x.map(|x| x.name_v18.as_deref().unwrap_or(&x.name)))
            })
            .collect();
        b.line("v18.1 tactics", old.join(", "));
    }
    if !t.platforms.is_empty() {
        b.line("platforms", t.platforms.join(", "));
    }
    if let Some(p) = &t.parent {
        let name = cat.technique(p).map(|x| x.name.to_string()).unwrap_or_default();
        b.lines("parent", table_lines(&[vec![p.to_string(), name]], &[]));
    }
    let sub_rows: Vec<Vec<String>> = t
        .subtechniques
        .iter()
        .map(|id| {
            let sub = cat.technique(id);
            let mut row = vec![
                id.to_string(),
                sub.map(|s| s.name.to_string()).unwrap_or_default(),
            ];
            if let Some(s) = sub.filter(|s| !s.status.is_active()) {
                row.push(format!("[{}]", status_short(&s.status)));
            }
            row
        })
        .collect();
    b.lines("sub-techniques", table_lines(&sub_rows, &[]));
    if let Some(s) = &t.stix_id {
        b.line("stix id", s.to_string());
    }
    if let Some(u) = t.url() {
        b.line("url", u);
    }
    let mut out = String::new();
    b.render(&format!("{}  {}", t.id, t.full_name()), &mut out);
    out
}

/// `revoked, replaced by T1574.001`; `deprecated`; `removed, likely T1693.002`.
fn status_short(status: &Status) -> String {
    match status {
        Status::Revoked { by: Some(by) } => format!("revoked, replaced by {by}"),
        Status::Removed { successor: Some(s) } => format!("removed, likely successor {s}"),
        other => status_code(other).to_string(),
    }
}

/// Active techniques of a tactic, split into the top-level ones (with their sub-technique count
/// in this tactic) and sub-techniques whose parent is not in the tactic.
struct TacticTechniques<'c> {
    listed: Vec<(&'c Technique, usize)>,
    techniques: usize,
    subtechniques: usize,
}

fn tactic_techniques<'c>(cat: &'c Catalog, tactic: &Tactic) -> TacticTechniques<'c> {
    let all: Vec<&Technique> = cat
        .techniques_of_tactic(&tactic.id)
        .into_iter()
        .filter(|t| t.catalog == tactic.catalog)
        .filter(|t| tactic.domain == Domain::None || t.domains.contains(&tactic.domain))
        .collect();
    let parents: HashSet<&str> = all
        .iter()
        .filter(|t| !t.is_subtechnique())
        .map(|t| t.id.as_ref())
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &all {
        if let Some(p) = t.parent.as_deref().filter(|p| parents.contains(p)) {
            *counts.entry(p).or_default() += 1;
        }
    }
    let listed = all
        .iter()
        .filter(|t| t.parent.as_deref().is_none_or(|p| !parents.contains(p)))
        .map(|t| (*t, counts.get(t.id.as_ref()).copied().unwrap_or(0)))
        .collect();
    let subtechniques = all.iter().filter(|t| t.is_subtechnique()).count();
    TacticTechniques {
        listed,
        techniques: all.len() - subtechniques,
        subtechniques,
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn tactic_json(cat: &Catalog, t: &Tactic) -> Value {
    let tt = tactic_techniques(cat, t);
    let listed: Vec<Value> = tt
        .listed
        .iter()
        .map(|(x, subs)| json!({ "id": x.id, "name": x.full_name(), "subtechnique_count": subs }))
        .collect();
    json!({
        "kind": "tactic",
        "id": t.id,
        "name": t.name,
        "name_v18": t.name_v18,
        "shortname": t.shortname,
        "catalog": t.catalog.code(),
        "domain": t.domain.stix_name().map(|_| t.domain.to_string()),
        "status": if t.deprecated { "deprecated" } else { "active" },
        "technique_count": tt.techniques,
        "subtechnique_count": tt.subtechniques,
        "techniques": listed,
        "stix_id": t.stix_id,
        "url": t.url(),
    })
}

fn tactic_human(cat: &Catalog, t: &Tactic) -> String {
    let tt = tactic_techniques(cat, t);
    let mut b = Block::default();
    b.line("kind", "tactic");
    b.line("catalog", catalog_label(cat, t.catalog));
    if t.domain != Domain::None {
        b.line("domain", t.domain.to_string());
    }
    if let Some(s) = &t.shortname {
        b.line("short name", s.to_string());
    }
    if let Some(old) = &t.name_v18 {
        b.line("v18.1 name", old.to_string());
    }
    b.line("status", if t.deprecated { "deprecated" } else { "active" });
    b.line(
        "counts",
        format!(
            "{}, {}",
            plural(tt.techniques, "technique"),
            plural(tt.subtechniques, "sub-technique")
        ),
    );
    let rows: Vec<Vec<String>> = tt
        .listed
        .iter()
        .map(|(x, subs)| {
            let mut row = vec![x.id.to_string(), x.full_name()];
            if *subs > 0 {
                row.push(format!("+{}", plural(*subs, "sub-technique")));
            }
            row
        })
        .collect();
    b.lines("techniques", table_lines(&rows, &[]));
    if let Some(s) = &t.stix_id {
        b.line("stix id", s.to_string());
    }
    if let Some(u) = t.url() {
        b.line("url", u);
    }
    let mut out = String::new();
    b.render(&format!("{}  {}", t.id, t.name), &mut out);
    out
}

fn object_json(cat: &Catalog, o: &AttackObject) -> Value {
    let replaced_by = o
        .status
        .replacement()
        .map(|r| json!({ "id": r, "name": cat.object(o.kind, r).map(|x| x.name.as_ref()) }));
    json!({
        "kind": o.kind.to_string(),
        "id": o.id,
        "name": o.name,
        "catalog": CatalogKind::Attack.code(),
        "domains": o.domains.iter().map(Domain::to_string).collect::<Vec<_>>(),
        "status": status_code(&o.status),
        "replaced_by": replaced_by,
        "status_note": object_status_text(cat, o),
        "stix_id": o.stix_id,
        "url": o.url(),
    })
}

fn object_human(cat: &Catalog, o: &AttackObject) -> String {
    let mut b = Block::default();
    let kind = match (o.kind, o.stix_id.as_deref().and_then(|s| s.split_once("--"))) {
        (ObjectKind::Software, Some((ty, _))) => format!("software ({ty})"),
        (kind, _) => kind.to_string(),
    };
    b.line("kind", kind);
    b.line("catalog", catalog_label(cat, CatalogKind::Attack));
    if !o.domains.is_empty() {
        let domains: Vec<String> = o.domains.iter().map(Domain::to_string).collect();
        b.line("domains", domains.join(", "));
    }
    b.line("status", object_status_text(cat, o));
    if let Some(s) = &o.stix_id {
        b.line("stix id", s.to_string());
    }
    b.line("url", o.url());
    let mut out = String::new();
    b.render(&format!("{}  {}", o.id, o.name), &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// search

fn search(cat: &Catalog, args: &SearchArgs) -> u8 {
    let query = args.words.join(" ");
    let catalogs: Vec<CatalogKind> = args.catalogs.iter().map(|c| c.kind()).collect();
    let Hits { hits, found, hidden } = search_hits(cat, &query, &catalogs, args.all, args.limit);
    let human = args.common.format == Format::Human;

    if human {
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|t| {
                let tactics = technique_tactics(cat, t);
                let mut row = vec![t.id.to_string(), t.full_name(), tactics_human(&tactics)];
                if !t.status.is_active() {
                    row.push(format!("[{}]", status_short(&t.status)));
                }
                row
            })
            .collect();
        print(&table(&rows, &[]));
    } else {
        print_json(&Value::Array(hits.iter().map(|t| hit_json(cat, t)).collect()));
    }

    if human {
        if hits.is_empty() && hidden > 0 {
            eprintln!(
                "only revoked, deprecated or removed techniques match `{query}` ({hidden}); \
                 --all lists them"
            );
        } else if hits.is_empty() {
            eprintln!("no technique matches `{query}`");
            let close = cat.suggest(&query);
            if !close.is_empty() {
                let rows: Vec<Vec<String>> = close
                    .iter()
                    .map(|t| vec![format!("  {}", t.id), t.full_name()])
                    .collect();
                eprint!("did you mean:\n{}", table(&rows, &[]));
            }
        } else {
            if hits.len() < found {
                eprintln!("showing {} of {found} matches; --limit N shows more", hits.len());
            }
            if hidden > 0 {
                let what = if hidden == 1 { "match" } else { "matches" };
                eprintln!("{hidden} revoked, deprecated or removed {what} not shown; --all includes them");
            }
        }
    }
    if hits.is_empty() {
        return output::FAILED;
    }
    output::OK
}

/// The techniques a search shows, and how many it found and hid.
pub(crate) struct Hits<'c> {
    /// The techniques to show, best first, sub-techniques after their parents.
    pub hits: Vec<&'c Technique>,
    /// How many active (or, with `all`, any) techniques match.
    pub found: usize,
    /// How many inactive ones match but are not shown.
    pub hidden: usize,
}

/// The search of `afc attack search`: ranked matches, inactive ones only with `all`, at
/// most `limit` (0: no limit), sub-techniques moved after their parents.
pub(crate) fn search_hits<'c>(
    cat: &'c Catalog,
    query: &str,
    catalogs: &[CatalogKind],
    all: bool,
    limit: usize,
) -> Hits<'c> {
    let ranked = cat.search(query, catalogs, usize::MAX);
    let total = ranked.len();
    let mut hits: Vec<&Technique> = ranked
        .into_iter()
        .filter(|t| all || t.status.is_active())
        .collect();
    let hidden = total - hits.len();
    let found = hits.len();
    if limit > 0 {
        hits.truncate(limit);
    }
    Hits {
        hits: group_under_parents(hits),
        found,
        hidden,
    }
}

/// One search result as `afc attack search --format json` prints it.
pub(crate) fn hit_json(cat: &Catalog, t: &Technique) -> Value {
    let tactics = technique_tactics(cat, t);
    json!({
        "id": t.id,
        "name": t.full_name(),
        "catalog": t.catalog.code(),
        "domains": t.domains.iter().map(Domain::to_string).collect::<Vec<_>>(),
        "tactics": tactics_json(&tactics),
        "status": status_code(&t.status),
        "replaced_by": t.status.replacement().map(|r| technique_ref(cat, r)),
    })
}

/// Keeps the ranking, except that sub-techniques whose parent is also a hit move right after
/// the parent (in id order, active first).
fn group_under_parents(hits: Vec<&Technique>) -> Vec<&Technique> {
    let present: HashSet<&str> = hits.iter().map(|t| t.id.as_ref()).collect();
    let mut children: HashMap<&str, Vec<&Technique>> = HashMap::new();
    for t in &hits {
        if let Some(p) = t.parent.as_deref().filter(|p| present.contains(p)) {
            children.entry(p).or_default().push(t);
        }
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| (!a.status.is_active(), &a.id).cmp(&(!b.status.is_active(), &b.id)));
    }
    let mut out = Vec::with_capacity(hits.len());
    for t in &hits {
        if t.parent.as_deref().is_some_and(|p| present.contains(p)) {
            continue;
        }
        out.push(*t);
        if let Some(list) = children.get(t.id.as_ref()) {
            out.extend(list.iter().copied());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// tactics

fn tactics(cat: &Catalog, args: &TacticsArgs) -> u8 {
    let mut catalogs: Vec<CatalogKind> = args.catalogs.iter().map(|c| c.kind()).collect();
    let domain = args.domain.map(DomainArg::domain);
    if domain.is_some() {
        if catalogs.is_empty() {
            catalogs.push(CatalogKind::Attack);
        } else if !catalogs.contains(&CatalogKind::Attack) {
            output::fail("--domain applies to ATT&CK only; add --catalog attack or drop --domain");
            return output::USAGE;
        }
    }
    let list: Vec<&Tactic> = cat
        .tactics(None)
        .into_iter()
        .filter(|t| catalogs.is_empty() || catalogs.contains(&t.catalog))
        .filter(|t| domain.is_none_or(|d| t.catalog != CatalogKind::Attack || t.domain == d))
        .filter(|t| args.all || !t.deprecated)
        .collect();

    // (catalog, tactic id) -> (techniques, sub-techniques), active only.
    let mut counts: HashMap<(CatalogKind, &str), (usize, usize)> = HashMap::new();
    for t in cat.techniques().filter(|t| t.status.is_active()) {
        for tactic in &t.tactics {
            let entry = counts.entry((t.catalog, tactic.as_ref())).or_default();
            if t.is_subtechnique() {
                entry.1 += 1;
            } else {
                entry.0 += 1;
            }
        }
    }
    let count = |t: &Tactic| counts.get(&(t.catalog, t.id.as_ref())).copied().unwrap_or((0, 0));

    if args.common.format == Format::Json {
        let items: Vec<Value> = list
            .iter()
            .map(|t| {
                let (n, subs) = count(t);
                json!({
                    "id": t.id,
                    "name": t.name,
                    "name_v18": t.name_v18,
                    "shortname": t.shortname,
                    "catalog": t.catalog.code(),
                    "domain": t.domain.stix_name().map(|_| t.domain.to_string()),
                    "status": if t.deprecated { "deprecated" } else { "active" },
                    "technique_count": n,
                    "subtechnique_count": subs,
                    "stix_id": t.stix_id,
                    "url": t.url(),
                })
            })
            .collect();
        print_json(&Value::Array(items));
        return output::OK;
    }

    // One table, so the columns line up across groups; each group gets a heading.
    let mut groups: Vec<(String, usize)> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut current: Option<(CatalogKind, Domain)> = None;
    for t in &list {
        if current != Some((t.catalog, t.domain)) {
            current = Some((t.catalog, t.domain));
            let mut heading = catalog_label(cat, t.catalog);
            if t.domain != Domain::None {
                let _ = write!(heading, ", {}", t.domain);
            }
            groups.push((heading, 0));
            rows.push(
                ["ID", "NAME", "SHORT NAME", "TECHNIQUES", "SUB-TECHNIQUES"]
                    .map(str::to_string)
                    .to_vec(),
            );
        }
        if let Some(g) = groups.last_mut() {
            g.1 += 1;
        }
        let (n, subs) = count(t);
        let mut name = t.name.to_string();
        if t.deprecated {
            name.push_str(" (deprecated)");
        }
        rows.push(vec![
            t.id.to_string(),
            name,
            t.shortname.as_deref().unwrap_or("-").to_string(),
            n.to_string(),
            subs.to_string(),
        ]);
    }
    let lines = table_lines(&rows, &[3, 4]);
    let mut lines = lines.iter();
    let mut out = String::new();
    for (i, (heading, n)) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{heading} ({})", plural(*n, "tactic"));
        for line in lines.by_ref().take(n + 1) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if list.is_empty() {
        eprintln!("no tactics match these filters");
    }
    print(&out);
    output::OK
}
