//! `afc attack`: look up techniques, tactics, groups, software, campaigns and mitigations in
//! the embedded MITRE catalogs (or in a user-supplied ATT&CK bundle) by id or name, search
//! them, and list tactics. Every answer (the lookup, the search and its ranking, did-you-mean),
//! its JSON shape (`af_catalog::views`) and its wording come from `af-catalog`; this module
//! parses arguments and prints: JSON as is, human text as aligned blocks and tables.

use crate::output;
use af_catalog::views::{self, HitView, ObjectView, Shown, TacticView, TechniqueView, UnknownView};
use af_catalog::{Catalog, CatalogKind, Domain, Filter, ObjectKind};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `afc attack`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// Show a technique, tactic, group, software, campaign or mitigation by id or name.
    ///
    /// Techniques: name, catalog, domains, tactics, platforms, parent and sub-techniques,
    /// status (revoked ids name the technique at the end of their revoked-by chain),
    /// mitigations, STIX id and web page. Groups, software and campaigns: aliases, kind, status.
    /// Mitigations: the techniques they mitigate. Exits with status 1 and did-you-mean
    /// suggestions when nothing has that id or name.
    #[command(
        after_help = "Examples:\n  afc attack show T1566.001\n  afc attack show apt29\n  afc attack show \"Cobalt Strike\"\n  afc attack show M1049 --format json"
    )]
    Show(ShowArgs),
    /// Search techniques, groups, software, campaigns and mitigations by id, name or alias,
    /// best matches first.
    ///
    /// Prints one record per line: id, name, then the tactics of a technique or the kind of an
    /// object. Sub-techniques found together with their parent are listed right after it.
    /// Exits with status 1 when nothing matches.
    #[command(
        after_help = "Examples:\n  afc attack search phishing\n  afc attack search cobalt strike\n  afc attack search cozy bear --kind group\n  afc attack search valid accounts --catalog attack --catalog atlas"
    )]
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
    /// ATT&CK short name such as initial-access), group (G0016), software (S0154), campaign
    /// (C0024) or mitigation (M1049) id; or the name or an alias of one (APT29, "Cozy Bear",
    /// "Cobalt Strike", Phishing). Case does not matter.
    #[arg(value_name = "ID|NAME", required = true, num_args = 1..)]
    id: Vec<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args, Debug)]
struct SearchArgs {
    /// Words to look for in names and aliases (`phish`, `valid accounts`, `cobalt strike`), or
    /// an id prefix.
    #[arg(required = true, value_name = "WORDS")]
    words: Vec<String>,
    /// Search only this catalog (repeat for several; default: all). Groups, software,
    /// campaigns and mitigations belong to ATT&CK.
    #[arg(long = "catalog", value_enum, value_name = "CATALOG")]
    catalogs: Vec<CatalogArg>,
    /// Search only this kind of record (repeat for several; default: all).
    #[arg(long = "kind", value_enum, value_name = "KIND")]
    kinds: Vec<KindArg>,
    /// Show at most N results (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Include revoked, deprecated and removed records.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    common: Common,
}

/// A kind of record as written on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum KindArg {
    /// Techniques and sub-techniques of every catalog.
    Technique,
    /// ATT&CK groups (intrusion sets).
    Group,
    /// ATT&CK software (malware and tools).
    Software,
    /// ATT&CK campaigns.
    Campaign,
    /// ATT&CK mitigations.
    Mitigation,
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
enum CatalogArg {
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
    fn kind(self) -> CatalogKind {
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
        output::say!(
            "warning: {}: skipped {} record(s) while loading the ATT&CK bundle:",
            path.display(),
            warnings.len()
        );
        for w in warnings.iter().take(3) {
            output::say!("  {w}");
        }
        if warnings.len() > 3 {
            output::say!("  … and {} more", warnings.len() - 3);
        }
    }
    Ok(Cow::Owned(cat))
}

/// Writes text for people to stdout, control characters escaped (an `--attack-bundle` is
/// data from anywhere). A failed write, a closed pipe too, is reported and the run exits 2.
fn print(text: &str) {
    output::stdout(af_diagnostics::escape_control(text, true).as_bytes());
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            output::stdout(format!("{s}\n").as_bytes());
        }
        Err(e) => output::fail(format!("cannot write JSON: {e}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Layout

/// `TA0001 Initial Access`, or just `Detect` for D3FEND tactics, whose id is their name.
fn tactic_label(t: &views::Named) -> String {
    match &t.name {
        Some(n) if *n != t.id => format!("{} {n}", t.id),
        _ => t.id.clone(),
    }
}

fn tactics_human(list: &[views::Named]) -> String {
    list.iter().map(tactic_label).collect::<Vec<_>>().join(", ")
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Up to `max` items of a long list, then `… and N more`.
fn capped(mut items: Vec<String>, max: usize) -> Vec<String> {
    if items.len() > max {
        let more = items.len() - max;
        items.truncate(max);
        items.push(format!("… and {more} more"));
    }
    items
}

// ---------------------------------------------------------------------------------------------
// show

fn show(cat: &Catalog, args: &ShowArgs) -> u8 {
    let key = args.id.join(" ");
    let shown = match views::show(cat, &key) {
        Ok(shown) => shown,
        Err(unknown) => return show_unknown(&unknown, args.common.format),
    };
    if args.common.format == Format::Json {
        print_json(&shown);
        return output::OK;
    }
    let text = match &shown {
        Shown::Technique(t) => technique_human(t),
        Shown::Techniques(list) => joined(list.iter().map(technique_human)),
        Shown::Tactic(t) => tactic_human(t),
        Shown::Objects(list) => joined(list.iter().map(object_human)),
    };
    print(&text);
    output::OK
}

/// Blocks separated by blank lines.
fn joined(blocks: impl Iterator<Item = String>) -> String {
    blocks.collect::<Vec<_>>().join("\n")
}

fn show_unknown(v: &UnknownView, format: Format) -> u8 {
    output::fail(v.to_string());
    if format == Format::Json {
        print_json(v);
    } else if v.suggestions.is_empty() {
        output::say!("help: `afc attack search WORDS` finds techniques, groups and software by name");
    } else {
        let rows: Vec<Vec<String>> = v
            .suggestions
            .iter()
            .map(|s| {
                let mut row = vec![format!("  {}", s.id), s.name.clone()];
                if s.kind != "technique" {
                    row.push(format!("({})", s.kind));
                }
                row
            })
            .collect();
        output::stderr_part(&format!("did you mean:\n{}", table(&rows, &[])));
    }
    output::FAILED
}

fn technique_human(v: &TechniqueView) -> String {
    let mut b = Block::default();
    b.line(
        "kind",
        if v.is_subtechnique {
            "sub-technique"
        } else {
            "technique"
        },
    );
    b.line("catalog", v.catalog_label.clone());
    if !v.domains.is_empty() {
        b.line("domains", v.domains.join(", "));
    }
    b.line("status", v.status_note.clone());
    if let Some(old) = &v.name_v18 {
        b.line("v18.1 name", old.clone());
    }
    let tactic_rows: Vec<Vec<String>> = v
        .tactics
        .iter()
        .map(|t| vec![t.id.clone(), t.name.clone().unwrap_or_default()])
        .filter(|r| r[0] != r[1])
        .collect();
    if tactic_rows.len() == v.tactics.len() {
        b.lines("tactics", table_lines(&tactic_rows, &[]));
    } else {
        // D3FEND tactics are their own names.
        b.lines("tactics", vec![tactics_human(&v.tactics)]);
    }
    if v.tactics_changed {
        b.line("v18.1 tactics", tactics_human(&v.tactics_v18));
    }
    if !v.platforms.is_empty() {
        b.line("platforms", v.platforms.join(", "));
    }
    if let Some(p) = &v.parent {
        // A parent is a top-level technique: its full name is its name.
        let name = p.name.clone().unwrap_or_default();
        b.lines("parent", table_lines(&[vec![p.id.clone(), name]], &[]));
    }
    let sub_rows: Vec<Vec<String>> = v
        .subtechniques
        .iter()
        .map(|s| {
            let mut row = vec![s.id.clone(), s.short_name.clone().unwrap_or_default()];
            if let Some(inactive) = &s.inactive {
                row.push(format!("[{inactive}]"));
            }
            row
        })
        .collect();
    b.lines("sub-techniques", table_lines(&sub_rows, &[]));
    let mitigations: Vec<Vec<String>> = v
        .mitigations
        .iter()
        .map(|m| vec![m.id.clone(), m.name.clone().unwrap_or_default()])
        .collect();
    b.lines("mitigations", table_lines(&mitigations, &[]));
    if let Some(s) = &v.stix_id {
        b.line("stix id", s.clone());
    }
    if let Some(u) = &v.url {
        b.line("url", u.clone());
    }
    let mut out = String::new();
    b.render(&format!("{}  {}", v.id, v.name), &mut out);
    out
}

fn tactic_human(v: &TacticView) -> String {
    let mut b = Block::default();
    b.line("kind", "tactic");
    b.line("catalog", v.catalog_label.clone());
    if let Some(d) = &v.domain {
        b.line("domain", d.clone());
    }
    if let Some(s) = &v.shortname {
        b.line("short name", s.clone());
    }
    if let Some(old) = &v.name_v18 {
        b.line("v18.1 name", old.clone());
    }
    b.line("status", v.status);
    b.line(
        "counts",
        format!(
            "{}, {}",
            plural(v.technique_count, "technique"),
            plural(v.subtechnique_count, "sub-technique")
        ),
    );
    let rows: Vec<Vec<String>> = v
        .techniques
        .iter()
        .map(|x| {
            let mut row = vec![x.id.clone(), x.name.clone()];
            if x.subtechnique_count > 0 {
                row.push(format!("+{}", plural(x.subtechnique_count, "sub-technique")));
            }
            row
        })
        .collect();
    b.lines("techniques", table_lines(&rows, &[]));
    if let Some(s) = &v.stix_id {
        b.line("stix id", s.clone());
    }
    if let Some(u) = &v.url {
        b.line("url", u.clone());
    }
    let mut out = String::new();
    b.render(&format!("{}  {}", v.id, v.name), &mut out);
    out
}

fn object_human(v: &ObjectView) -> String {
    let mut b = Block::default();
    b.line("kind", views::kind_label(&v.kind, v.stix_type.as_deref()));
    b.line("catalog", v.catalog_label.clone());
    if !v.aliases.is_empty() {
        b.line("aliases", v.aliases.join(", "));
    }
    if !v.domains.is_empty() {
        b.line("domains", v.domains.join(", "));
    }
    b.line("status", v.status_note.clone());
    if let Some(list) = &v.mitigates {
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|t| vec![t.id.clone(), t.name.clone().unwrap_or_default()])
            .collect();
        b.lines("mitigates", capped(table_lines(&rows, &[]), 25));
    }
    if let Some(s) = &v.stix_id {
        b.line("stix id", s.clone());
    }
    b.line("url", v.url.clone());
    let mut out = String::new();
    b.render(&format!("{}  {}", v.id, v.name), &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// search

fn filter(args: &SearchArgs) -> Filter {
    let catalogs: Vec<CatalogKind> = args.catalogs.iter().map(|c| c.kind()).collect();
    if args.kinds.is_empty() {
        return Filter {
            catalogs,
            ..Filter::default()
        };
    }
    let objects = args
        .kinds
        .iter()
        .filter_map(|k| match k {
            KindArg::Technique => None,
            KindArg::Group => Some(ObjectKind::Group),
            KindArg::Software => Some(ObjectKind::Software),
            KindArg::Campaign => Some(ObjectKind::Campaign),
            KindArg::Mitigation => Some(ObjectKind::Mitigation),
        })
        .collect();
    Filter {
        catalogs,
        techniques: args.kinds.contains(&KindArg::Technique),
        objects,
    }
}

fn search(cat: &Catalog, args: &SearchArgs) -> u8 {
    let query = args.words.join(" ");
    let views::Listing { hits, found, hidden } =
        views::search(cat, &query, &filter(args), args.all, args.limit);
    let views: Vec<HitView> = hits.iter().map(|h| views::hit(cat, h)).collect();
    let human = args.common.format == Format::Human;

    if human {
        let rows: Vec<Vec<String>> = views.iter().map(hit_row).collect();
        print(&table(&rows, &[]));
    } else {
        print_json(&views);
    }

    if human {
        if hits.is_empty() && hidden > 0 {
            output::say!(
                "only revoked, deprecated or removed records match `{query}` ({hidden}); \
                 --all lists them"
            );
        } else if hits.is_empty() {
            output::say!("nothing matches `{query}`");
            let close = cat.did_you_mean(&query);
            if !close.is_empty() {
                let rows: Vec<Vec<String>> = close
                    .iter()
                    .map(|s| vec![format!("  {}", s.id), s.name.clone()])
                    .collect();
                output::stderr_part(&format!("did you mean:\n{}", table(&rows, &[])));
            }
        } else {
            if hits.len() < found {
                output::say!("showing {} of {found} matches; --limit N shows more", hits.len());
            }
            if hidden > 0 {
                let what = if hidden == 1 { "match" } else { "matches" };
                output::say!("{hidden} revoked, deprecated or removed {what} not shown; --all includes them");
            }
        }
    }
    if hits.is_empty() {
        return output::FAILED;
    }
    output::OK
}

/// id, name, then the tactics of a technique or the kind of an object (and the alias that
/// matched), then the brief status of a record that is not current.
fn hit_row(v: &HitView) -> Vec<String> {
    let third = match &v.tactics {
        Some(tactics) => tactics_human(tactics),
        None => {
            let mut kind = views::kind_label(&v.kind, v.stix_type.as_deref());
            if let Some(alias) = &v.matched_alias {
                let _ = write!(kind, ", also known as {alias}");
            }
            kind
        }
    };
    let mut row = vec![v.id.clone(), v.name.clone(), third];
    if let Some(inactive) = &v.inactive {
        row.push(format!("[{inactive}]"));
    }
    row
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
    let list = views::tactics(cat, &catalogs, domain, args.all);
    if args.common.format == Format::Json {
        print_json(&list);
        return output::OK;
    }

    // One table, so the columns line up across groups; each group gets a heading.
    let mut groups: Vec<(String, usize)> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for t in &list {
        if groups.last().is_none_or(|g| g.0 != t.group) {
            groups.push((t.group.clone(), 0));
            rows.push(
                ["ID", "NAME", "SHORT NAME", "TECHNIQUES", "SUB-TECHNIQUES"]
                    .map(str::to_string)
                    .to_vec(),
            );
        }
        if let Some(g) = groups.last_mut() {
            g.1 += 1;
        }
        let mut name = t.name.clone();
        if t.status == "deprecated" {
            name.push_str(" (deprecated)");
        }
        rows.push(vec![
            t.id.clone(),
            name,
            t.shortname.clone().unwrap_or_else(|| "-".to_string()),
            t.technique_count.to_string(),
            t.subtechnique_count.to_string(),
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
        output::say!("no tactics match these filters");
    }
    print(&out);
    output::OK
}
