//! Every diagnostic code afc reports, in one typed table: the code, its severity, a one-line
//! summary, the tools that report it, and (from the code) its anchor in
//! `docs/diagnostics.md`. A diagnostic is made from one of these constants
//! ([`crate::Diagnostic::new`]), so an unknown or misspelt code does not compile and the
//! severity of a code is decided here and nowhere else. The docs (the index in
//! `docs/diagnostics.md`, checked by a test), `afc`'s SARIF rules and the language server's
//! links read this table.
//!
//! To add a code: add a line below, a fixture that produces it (compiler codes in
//! `crates/af-compile/tests/diagnostics/CODE.af`, validator codes as a case in
//! `crates/af-validate/tests/rules.rs`), a `## CODE` section in `docs/diagnostics.md`, and run
//! `AFC_UPDATE_DOCS=1 cargo test -p af-diagnostics` to refresh the index.

use crate::Severity;

/// A tool that reports diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    /// The parser and compiler (`afc compile`, `afc check`, the language server).
    Compiler,
    /// The bundle validator (`afc validate`).
    Validator,
    /// The formatter (`afc fmt`).
    Formatter,
    /// The language server itself.
    Server,
    /// The analyses of a flow (`afc coverage`).
    Analysis,
}

/// What a code is about, as `docs/diagnostics.md` groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Syntax errors of a flow.
    Syntax,
    /// Names and the structure of a flow.
    Names,
    /// Properties and values of a flow.
    Values,
    /// Warnings about a flow.
    Warnings,
    /// Technique and tactic ids against the catalogs.
    Catalogs,
    /// The JSON and the envelope of a bundle.
    Bundle,
    /// The objects of a bundle.
    BundleObjects,
    /// The flow graph of a bundle.
    FlowGraph,
    /// Catalog findings only bundles have.
    BundleCatalogs,
    /// The formatter.
    Formatter,
    /// The language server.
    Server,
    /// Detection coverage findings (`afc coverage`).
    Coverage,
}

/// One diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code {
    /// The code as printed (`E0105`).
    pub id: &'static str,
    /// How bad a finding with this code is.
    pub severity: Severity,
    /// One line saying what it is about.
    pub summary: &'static str,
    /// Where `docs/diagnostics.md` lists it.
    pub group: Group,
    /// The tools that report it.
    pub tools: &'static [Tool],
}

/// Where the codes are documented, inside the repository.
pub const DOC_PATH: &str = crate::CODES_DOC;

impl Code {
    /// The code's heading anchor in `docs/diagnostics.md` (`e0105`).
    pub fn anchor(&self) -> String {
        self.id.to_ascii_lowercase()
    }

    /// The link to the code's documentation ([`crate::code_doc_url`]).
    pub fn doc_url(&self) -> String {
        crate::code_doc_url(self.id)
    }

    /// The code printed as `id`.
    pub fn lookup(id: &str) -> Option<&'static Code> {
        ALL.iter().find(|c| c.id == id)
    }

    /// Whether `tool` reports this code.
    pub fn reported_by(&self, tool: Tool) -> bool {
        self.tools.contains(&tool)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

const C: &[Tool] = &[Tool::Compiler];
const V: &[Tool] = &[Tool::Validator];
const CV: &[Tool] = &[Tool::Compiler, Tool::Validator];
const F: &[Tool] = &[Tool::Formatter];
const S: &[Tool] = &[Tool::Server];
const A: &[Tool] = &[Tool::Analysis];

macro_rules! codes {
    ($( $group:ident { $( $id:ident $severity:ident $tools:ident $summary:literal, )* } )*) => {
        $( $(
            #[doc = $summary]
            pub const $id: Code = Code {
                id: stringify!($id),
                severity: Severity::$severity,
                summary: $summary,
                group: Group::$group,
                tools: $tools,
            };
        )* )*

        /// Every code, in the order of `docs/diagnostics.md`.
        pub const ALL: &[Code] = &[ $( $( $id, )* )* INTERNAL ];
    };
}

codes! {
    Syntax {
        E0001 Error C "unexpected token",
        E0002 Error C "unterminated string",
        E0003 Error C "unexpected character",
        E0004 Error C "unbalanced delimiter",
        E0005 Error C "value nested too deeply",
        E0006 Error C "invalid escape in a string",
        E0010 Error C "declaration without a name",
        E0011 Error C "invalid node name",
    }
    Names {
        E0101 Error C "no flow header",
        E0102 Error C "more than one flow header",
        E0103 Error C "name declared twice",
        E0104 Error C "unknown node kind",
        E0105 Error C "undefined name",
        E0106 Error C "reference to the wrong kind of object",
        E0107 Error C "edge that needs a label",
        E0108 Error C "`-[false]->` from something that is not a condition",
        E0109 Error C "relationship block that cannot apply",
        E0110 Error C "empty start_refs",
        E0111 Error C "no action or condition can start the flow",
        N0111 Note C "the flow starts at the first step declared (every step is on a cycle)",
    }
    Values {
        E0201 Error C "value of the wrong type",
        E0202 Error C "value not in the allowed set",
        E0203 Error C "malformed STIX id",
        E0204 Error C "empty list",
        E0205 Error C "number out of range",
        E0206 Error C "explicit id of the wrong type",
        E0207 Error C "property given twice",
        E0208 Error C "missing required property",
        E0209 Error C "value that cannot take a block",
        E0210 Error C "word or title this kind does not take",
        E0211 Error C "value that does not match its STIX pattern",
        E0212 Error C "invalid property name",
        E0301 Error C "invalid timestamp",
        E0302 Error C "timestamps in the wrong order",
    }
    Warnings {
        W0101 Warning C "flow without `created`",
        W0102 Warning C "object not connected to the flow",
        W0103 Warning C "duplicate edge",
        W0104 Warning C "condition branch written as a `related-to` relationship",
        W0201 Warning C "unknown property",
        W0202 Warning C "flow without a description",
        W0204 Warning C "value that does not have its STIX format",
    }
    Catalogs {
        E0401 Error C "unknown technique id",
        E0402 Error C "unknown tactic",
        E0403 Error C "unknown ATT&CK group, software, campaign or mitigation id",
        W0401 Warning CV "revoked technique or ATT&CK object",
        W0402 Warning CV "deprecated technique or ATT&CK object",
        W0403 Warning CV "tactic the technique does not belong to",
        W0404 Warning C "techniques from different ATT&CK domains",
        W0405 Warning CV "tactic changed in ATT&CK v19",
        W0406 Warning CV "technique_id or tactic_id the catalogs do not know",
        W0407 Warning C "ATT&CK software declared as the other of malware and tool",
    }
    Bundle {
        V0001 Error V "malformed JSON",
        V0002 Error V "JSON nested too deeply",
        V0003 Warning V "key given twice in one JSON object",
        V0010 Error V "not a STIX bundle",
        V0011 Error V "invalid bundle id",
        V0012 Error V "bundle without an `objects` list",
        V0013 Error V "not exactly one attack-flow object",
        V0014 Error V "Attack Flow extension-definition missing",
        V0015 Warning V "STIX 2.0 properties on the bundle",
    }
    BundleObjects {
        V0101 Error V "object without a type",
        V0102 Error V "invalid type name",
        V0103 Note V "object type that is not checked",
        V0104 Error V "invalid id",
        V0105 Error V "missing required property",
        V0106 Error V "value of the wrong type",
        V0107 Error V "invalid timestamp",
        V0108 Error V "timestamp without milliseconds",
        V0109 Error V "number out of range",
        V0110 Error V "value not in the allowed set",
        V0111 Error V "missing or malformed extension",
        V0112 Error V "reference to the wrong type of object",
        V0113 Error V "malformed reference",
        V0114 Error V "empty list",
        V0115 Error V "invalid property name",
        V0116 Warning V "unknown property",
        V0117 Error V "timestamps in the wrong order",
        V0118 Warning V "id used by two objects",
        V0119 Error V "value that does not match its STIX pattern",
        V0120 Warning V "value that does not have its STIX format",
    }
    FlowGraph {
        V0201 Warning V "reference to an object not in the bundle",
        V0202 Warning V "created_by_ref names a missing identity",
        V0203 Warning V "object not connected to the flow",
        V0204 Warning V "flow without a description",
        V0205 Warning V "start node that another node leads to",
        V0206 Warning V "node with no way in that is not in start_refs",
        V0207 Warning V "condition branch written as a relationship",
    }
    BundleCatalogs {
        V0301 Warning V "technique_ref or tactic_ref that does not match its id",
    }
    Formatter {
        F0001 Error F "the formatter's output would not parse back to the same file",
    }
    Coverage {
        A0001 Warning A "a way to a goal avoids every detection",
        A0002 Warning A "a choke point is not detected",
        A0003 Note A "a step is not detected",
        A0004 Note A "a step is only partially detected (a rule on its parent technique)",
    }
}

/// A crash inside afc while checking a document (the language server reports it instead of
/// dying); a bug.
pub const INTERNAL: Code = Code {
    id: "internal",
    severity: Severity::Error,
    summary: "afc crashed while checking the file",
    group: Group::Server,
    tools: S,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_named_for_their_severity() {
        let mut ids: Vec<&str> = ALL.iter().map(|c| c.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "a code is listed twice");
        for c in ALL.iter().filter(|c| c.id != "internal") {
            let letter = c.id.as_bytes()[0];
            assert!(
                c.id.len() == 5 && c.id[1..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                c.id
            );
            match letter {
                b'E' => assert_eq!(c.severity, Severity::Error, "{}", c.id),
                b'W' => assert_eq!(c.severity, Severity::Warning, "{}", c.id),
                b'N' => assert_eq!(c.severity, Severity::Note, "{}", c.id),
                b'V' | b'F' | b'A' => {}
                _ => panic!("{}: unknown letter", c.id),
            }
            assert!(!c.summary.is_empty() && !c.tools.is_empty(), "{}", c.id);
        }
        assert_eq!(Code::lookup("E0105"), Some(&E0105));
        assert_eq!(E0105.anchor(), "e0105");
        assert!(E0105.doc_url().ends_with("docs/diagnostics.md#e0105"));
    }

    /// The index at the top of `docs/diagnostics.md` is this table, and every code has its
    /// section there (and every section its code). `AFC_UPDATE_DOCS=1` rewrites the index.
    #[test]
    fn the_docs_list_every_code() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(DOC_PATH);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let (begin, end) = ("<!-- codes:begin -->\n", "<!-- codes:end -->");
        let (Some(b), Some(e)) = (text.find(begin), text.find(end)) else {
            panic!("{DOC_PATH} has no `{begin}` … `{end}` index");
        };
        let index = index_markdown();
        let current = &text[b + begin.len()..e];
        if current != index {
            if std::env::var_os("AFC_UPDATE_DOCS").is_some() {
                let updated = format!("{}{index}{}", &text[..b + begin.len()], &text[e..]);
                if let Err(err) = std::fs::write(&path, updated) {
                    panic!("cannot write {DOC_PATH}: {err}");
                }
            } else {
                panic!("the index of {DOC_PATH} is out of date; run `AFC_UPDATE_DOCS=1 cargo test -p af-diagnostics`");
            }
        }
        for c in ALL {
            assert!(
                text.contains(&format!("\n## {}\n", c.id)),
                "{DOC_PATH} has no `## {}` section",
                c.id
            );
        }
        for line in text.lines().filter(|l| l.starts_with("## ")) {
            let heading = &line[3..];
            let is_code = heading.len() == 5 && heading[1..].bytes().all(|b| b.is_ascii_digit());
            if is_code || heading == "internal" {
                assert!(
                    Code::lookup(heading).is_some(),
                    "{DOC_PATH} documents `{heading}`, which is no code"
                );
            }
        }
    }

    fn index_markdown() -> String {
        let mut out = String::from("| code | severity | summary |\n|---|---|---|\n");
        for c in ALL {
            out.push_str(&format!(
                "| [{}](#{}) | {} | {} |\n",
                c.id,
                c.anchor(),
                c.severity.as_str(),
                c.summary.replace('|', "\\|")
            ));
        }
        out
    }
}
