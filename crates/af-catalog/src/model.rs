//! The records a catalog holds: techniques, tactics, and ATT&CK groups, software, campaigns
//! and mitigations.

use std::borrow::Cow;
use std::fmt;

/// Text held by catalog records: borrowed from the embedded data file, or owned when the
/// record came from a user-supplied bundle.
pub type Text = Cow<'static, str>;

/// Which MITRE knowledge base a technique or tactic belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CatalogKind {
    /// MITRE ATT&CK (enterprise, mobile and ICS).
    Attack,
    /// MITRE ATLAS (attacks on AI systems), ids `AML.T…`.
    Atlas,
    /// MITRE D3FEND (defensive techniques), ids `D3-…`.
    D3fend,
    /// MITRE F3 (Fight Fraud Framework), ids `F3.…`.
    F3,
}

impl CatalogKind {
    /// All catalogs, in their canonical order.
    pub const ALL: [CatalogKind; 4] = [
        CatalogKind::Attack,
        CatalogKind::Atlas,
        CatalogKind::D3fend,
        CatalogKind::F3,
    ];

    /// The catalog an id belongs to, judged from its prefix alone (`AML.` is ATLAS, `D3-` is
    /// D3FEND, `F3.` is F3, anything else ATT&CK). Case-insensitive; says nothing about whether
    /// the id exists.
    pub fn of_id(id: &str) -> CatalogKind {
        let upper = |n: usize| id.get(..n).map(str::to_ascii_uppercase);
        if upper(4).as_deref() == Some("AML.") {
            CatalogKind::Atlas
        } else if upper(3).as_deref() == Some("D3-") {
            CatalogKind::D3fend
        } else if upper(3).as_deref() == Some("F3.") {
            CatalogKind::F3
        } else {
            CatalogKind::Attack
        }
    }

    /// The lowercase code used in the data file (`attack`, `atlas`, `d3fend`, `f3`).
    pub fn code(self) -> &'static str {
        match self {
            CatalogKind::Attack => "attack",
            CatalogKind::Atlas => "atlas",
            CatalogKind::D3fend => "d3fend",
            CatalogKind::F3 => "f3",
        }
    }

    /// Parses a code written by [`CatalogKind::code`] (case-insensitive) or a display name.
    pub fn from_code(code: &str) -> Option<CatalogKind> {
        let lower = code.to_ascii_lowercase();
        match lower.as_str() {
            "attack" | "att&ck" => Some(CatalogKind::Attack),
            "atlas" => Some(CatalogKind::Atlas),
            "d3fend" => Some(CatalogKind::D3fend),
            "f3" => Some(CatalogKind::F3),
            _ => None,
        }
    }
}

impl fmt::Display for CatalogKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CatalogKind::Attack => "ATT&CK",
            CatalogKind::Atlas => "ATLAS",
            CatalogKind::D3fend => "D3FEND",
            CatalogKind::F3 => "F3",
        })
    }
}

/// An ATT&CK domain (matrix family). Records outside ATT&CK use [`Domain::None`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Domain {
    /// Enterprise ATT&CK.
    Enterprise,
    /// Mobile ATT&CK.
    Mobile,
    /// ATT&CK for ICS.
    Ics,
    /// Not an ATT&CK record (ATLAS, D3FEND, F3).
    None,
}

impl Domain {
    /// The one-letter code used in the data file (`E`, `M`, `I`; empty for `None`).
    pub fn code(self) -> &'static str {
        match self {
            Domain::Enterprise => "E",
            Domain::Mobile => "M",
            Domain::Ics => "I",
            Domain::None => "",
        }
    }

    /// The STIX `x_mitre_domains` value (`enterprise-attack`, …); `None` for [`Domain::None`].
    pub fn stix_name(self) -> Option<&'static str> {
        match self {
            Domain::Enterprise => Some("enterprise-attack"),
            Domain::Mobile => Some("mobile-attack"),
            Domain::Ics => Some("ics-attack"),
            Domain::None => None,
        }
    }

    /// Parses an `x_mitre_domains` value.
    pub fn from_stix_name(name: &str) -> Option<Domain> {
        match name {
            "enterprise-attack" => Some(Domain::Enterprise),
            "mobile-attack" => Some(Domain::Mobile),
            "ics-attack" => Some(Domain::Ics),
            _ => None,
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<Domain> {
        match code {
            "E" => Some(Domain::Enterprise),
            "M" => Some(Domain::Mobile),
            "I" => Some(Domain::Ics),
            _ => None,
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Domain::Enterprise => "enterprise",
            Domain::Mobile => "mobile",
            Domain::Ics => "ics",
            Domain::None => "none",
        })
    }
}

/// Whether an id is current.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    /// Current (in ATT&CK v19.1, or in the catalog that was loaded).
    Active,
    /// Marked `x_mitre_deprecated` by MITRE, with no replacement.
    Deprecated,
    /// Revoked by MITRE. `by` is the END of the `revoked-by` chain (T1073 → T1574.002 →
    /// T1574.001 gives `T1574.001`); `None` when MITRE recorded no replacement.
    Revoked {
        /// The id that ends the `revoked-by` chain, if any.
        by: Option<Text>,
    },
    /// Active in ATT&CK v18.1 but no longer current in v19.1: the v19.1 catalog keeps only its
    /// tactic links, so it is revoked or deprecated there, but the data does not say which or
    /// by what. `successor` is a technique new in v19.1, in the same domain, whose name
    /// matches this one's exactly: a hint derived from names, not MITRE's `revoked-by` record.
    Removed {
        /// The likely v19.1 replacement, found by exact name match.
        successor: Option<Text>,
    },
}

impl Status {
    /// True for [`Status::Active`].
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Active)
    }

    /// The id this one points to: the end of the revoked-by chain, or the name-matched
    /// successor of a removed id.
    pub fn replacement(&self) -> Option<&str> {
        match self {
            Status::Revoked { by } => by.as_deref(),
            Status::Removed { successor } => successor.as_deref(),
            Status::Active | Status::Deprecated => None,
        }
    }

    pub(crate) fn code(&self) -> &'static str {
        match self {
            Status::Active => "A",
            Status::Deprecated => "D",
            Status::Revoked { .. } => "R",
            Status::Removed { .. } => "X",
        }
    }
}

impl Status {
    /// The one-word status of `afc attack --format json`: `active`, `deprecated`, `revoked`,
    /// `removed`.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Revoked { .. } => "revoked",
            Status::Removed { .. } => "removed",
        }
    }
}

/// The brief form, for lists: `active`, `deprecated`, `revoked, replaced by T1574.001`,
/// `removed, likely successor T1693.002`. [`crate::views::StatusNote`] is the full sentence.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Revoked { by: Some(by) } => write!(f, "revoked, replaced by {by}"),
            Status::Removed { successor: Some(s) } => write!(f, "removed, likely successor {s}"),
            other => f.write_str(other.word()),
        }
    }
}

/// A technique or sub-technique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technique {
    /// The id as MITRE writes it (`T1566.001`, `AML.T0051`, `D3-AA`, `F3.F1001`).
    pub id: Text,
    /// The name; for sub-techniques only the sub-technique's own part
    /// (`Spearphishing Attachment`), see [`Technique::full_name`].
    pub name: Text,
    /// The ATT&CK v18.1 name, when it differs from the current one.
    pub name_v18: Option<Text>,
    /// The knowledge base.
    pub catalog: CatalogKind,
    /// ATT&CK domains the technique belongs to; empty outside ATT&CK.
    pub domains: Vec<Domain>,
    /// The STIX `attack-pattern--…` id, when known.
    pub stix_id: Option<Text>,
    /// Tactic ids in the current data (ATT&CK v19.1 for the embedded catalog). Revoked and
    /// deprecated ids keep the tactic links MITRE still publishes for them (possibly none).
    pub tactics: Vec<Text>,
    /// Tactic ids in ATT&CK v18.1; empty when the id was not in v18.1 or the ATT&CK part came
    /// from a user bundle.
    pub tactics_v18: Vec<Text>,
    /// ATT&CK platforms (`Windows`, `Linux`, …); from v18.1, so empty for ids new in v19.
    pub platforms: Vec<Text>,
    /// The parent technique's id, for sub-techniques.
    pub parent: Option<Text>,
    /// Ids of the sub-techniques, in id order (including revoked or removed ones; check their
    /// status).
    pub subtechniques: Vec<Text>,
    /// Whether the id is current.
    pub status: Status,
    pub(crate) parent_name: Option<Text>,
}

impl Technique {
    /// `Parent: Child` for sub-techniques (`Phishing: Spearphishing Attachment`), else the name.
    pub fn full_name(&self) -> String {
        match &self.parent_name {
            Some(parent) => format!("{parent}: {}", self.name),
            None => self.name.to_string(),
        }
    }

    /// True when this is a sub-technique.
    pub fn is_subtechnique(&self) -> bool {
        self.parent.is_some()
    }

    /// The first ATT&CK domain, or [`Domain::None`].
    pub fn primary_domain(&self) -> Domain {
        self.domains.first().copied().unwrap_or(Domain::None)
    }

    /// The public web page: `https://attack.mitre.org/techniques/T1566/001/` for ATT&CK,
    /// `https://atlas.mitre.org/techniques/AML.T0051` for ATLAS. D3FEND pages are keyed by an
    /// ontology name and F3 pages by a site-specific path the data does not carry, so those
    /// give `None`.
    pub fn url(&self) -> Option<String> {
        match self.catalog {
            CatalogKind::Attack => Some(format!(
                "https://attack.mitre.org/techniques/{}/",
                self.id.replace('.', "/")
            )),
            CatalogKind::Atlas => Some(format!("https://atlas.mitre.org/techniques/{}", self.id)),
            CatalogKind::D3fend | CatalogKind::F3 => None,
        }
    }

    /// True when both the current and the v18.1 tactic lists are known and differ as sets
    /// (e.g. a technique moved from TA0005 to TA0112 in ATT&CK v19).
    pub fn tactics_changed_since_v18(&self) -> bool {
        if self.tactics.is_empty() || self.tactics_v18.is_empty() {
            return false;
        }
        let mut now: Vec<&str> = self.tactics.iter().map(|t| t.as_ref()).collect();
        let mut then: Vec<&str> = self.tactics_v18.iter().map(|t| t.as_ref()).collect();
        now.sort_unstable();
        then.sort_unstable();
        now != then
    }
}

/// A tactic (the "why" column of a matrix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tactic {
    /// `TA0001`, `AML.TA0002`, `F3.FA0001`, or the D3FEND tactic name (`Detect`).
    pub id: Text,
    /// Current name (`Stealth` for TA0005 in ATT&CK v19).
    pub name: Text,
    /// The ATT&CK v18.1 name, when it differs (`Defense Evasion` for TA0005).
    pub name_v18: Option<Text>,
    /// ATT&CK `x_mitre_shortname` (`initial-access`); for tactics new in v19 (TA0112) it is
    /// derived from the name the way ATT&CK forms short names.
    pub shortname: Option<Text>,
    /// The knowledge base.
    pub catalog: CatalogKind,
    /// The ATT&CK domain, or [`Domain::None`].
    pub domain: Domain,
    /// The STIX `x-mitre-tactic--…` id, when known.
    pub stix_id: Option<Text>,
    /// True for tactics that are no longer current (deprecated, or absent from v19.1).
    pub deprecated: bool,
}

impl Tactic {
    /// The public web page, where one can be built (ATT&CK and ATLAS).
    pub fn url(&self) -> Option<String> {
        match self.catalog {
            CatalogKind::Attack => Some(format!("https://attack.mitre.org/tactics/{}/", self.id)),
            CatalogKind::Atlas => Some(format!("https://atlas.mitre.org/tactics/{}", self.id)),
            CatalogKind::D3fend | CatalogKind::F3 => None,
        }
    }
}

/// The kind of an ATT&CK object other than techniques and tactics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    /// An `intrusion-set` (`G0016`).
    Group,
    /// A `malware` or `tool` (`S0154`).
    Software,
    /// A `campaign` (`C0024`).
    Campaign,
    /// A `course-of-action` with an `M` id (`M1049`).
    Mitigation,
}

impl ObjectKind {
    /// Every kind, in listing order.
    pub const ALL: [ObjectKind; 4] = [
        ObjectKind::Group,
        ObjectKind::Software,
        ObjectKind::Campaign,
        ObjectKind::Mitigation,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            ObjectKind::Group => "G",
            ObjectKind::Software => "S",
            ObjectKind::Campaign => "C",
            ObjectKind::Mitigation => "M",
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<ObjectKind> {
        match code {
            "G" => Some(ObjectKind::Group),
            "S" => Some(ObjectKind::Software),
            "C" => Some(ObjectKind::Campaign),
            "M" => Some(ObjectKind::Mitigation),
            _ => None,
        }
    }

    /// The kind of a STIX object type: `intrusion-set`, `malware`, `tool`, `campaign`,
    /// `course-of-action`.
    pub fn of_stix_type(stix_type: &str) -> Option<ObjectKind> {
        match stix_type {
            "intrusion-set" => Some(ObjectKind::Group),
            "malware" | "tool" => Some(ObjectKind::Software),
            "campaign" => Some(ObjectKind::Campaign),
            "course-of-action" => Some(ObjectKind::Mitigation),
            _ => None,
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::Group => "group",
            ObjectKind::Software => "software",
            ObjectKind::Campaign => "campaign",
            ObjectKind::Mitigation => "mitigation",
        })
    }
}

/// An ATT&CK group, software, campaign or mitigation: id, name, aliases and STIX id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttackObject {
    /// `G0016`, `S0154`, `C0024`, `M1049`.
    pub id: Text,
    /// The name (`APT29`).
    pub name: Text,
    /// Group, software, campaign or mitigation.
    pub kind: ObjectKind,
    /// Other names MITRE lists (`aliases`, `x_mitre_aliases`), without the name itself:
    /// `Cozy Bear`, `NOBELIUM`, … for APT29.
    pub aliases: Vec<Text>,
    /// ATT&CK domains the object appears in.
    pub domains: Vec<Domain>,
    /// The STIX id (`intrusion-set--…`, `malware--…`, `tool--…`, `campaign--…`,
    /// `course-of-action--…`).
    pub stix_id: Option<Text>,
    /// Whether the id is current; `Revoked { by }` ends the object's `revoked-by` chain.
    pub status: Status,
}

impl AttackObject {
    /// The public ATT&CK page (`https://attack.mitre.org/groups/G0016/`).
    pub fn url(&self) -> String {
        let section = match self.kind {
            ObjectKind::Group => "groups",
            ObjectKind::Software => "software",
            ObjectKind::Campaign => "campaigns",
            ObjectKind::Mitigation => "mitigations",
        };
        format!("https://attack.mitre.org/{section}/{}/", self.id)
    }

    /// The STIX type, from the STIX id (`malware`, `tool`, `intrusion-set`, …); for
    /// software this says whether it is malware or a tool.
    pub fn stix_type(&self) -> Option<&str> {
        self.stix_id.as_deref()?.split_once("--").map(|(t, _)| t)
    }

    /// True when `name` is the object's name or one of its aliases (case-insensitive, and
    /// spaces, dashes and underscores count alike: `cozy-bear` is `Cozy Bear`).
    pub fn is_called(&self, name: &str) -> bool {
        let wanted = crate::search::slug(name);
        !wanted.is_empty()
            && std::iter::once(&self.name)
                .chain(&self.aliases)
                .any(|n| crate::search::slug(n) == wanted)
    }
}
