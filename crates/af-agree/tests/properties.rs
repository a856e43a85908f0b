//! Property test of the consistency matrix (issue 14): for random valid flows, the compiler
//! reports no error and the validator reports no error on what the compiler wrote. The
//! generator writes flow source the way people do — actions with techniques and tactics,
//! conditions with both branches, operators, assets over observables with addresses, hashes,
//! ports and URLs, relationships with custom types, custom `x_` properties, free text with
//! escapes and non-ASCII — so every value rule the two share is exercised from both sides.

use proptest::prelude::*;
use proptest::test_runner::Config;
use std::fmt::Write;

/// Technique ids with their tactics, all in the embedded catalogs.
const TECHNIQUES: &[(&str, &str)] = &[
    ("T1566", "TA0001"),
    ("T1566.002", "TA0001"),
    ("T1078", "TA0001"),
    ("T1059.001", "TA0002"),
    ("T1547.001", "TA0003"),
    ("T1003.001", "TA0006"),
    ("T1087.002", "TA0007"),
    ("T1021.001", "TA0008"),
    ("T1005", "TA0009"),
    ("T1041", "TA0010"),
    ("T1486", "TA0040"),
    ("T1595", "TA0043"),
];

const SCOPES: &[&str] = &[
    "incident",
    "campaign",
    "threat-actor",
    "malware",
    "emulation-plan",
    "attack-tree",
    "other",
];

/// Free text: letters, digits, punctuation, quotes and backslashes (escaped when written),
/// non-ASCII letters and emoji.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.;:!?()'\"\\\\/#é漢😀-]{1,40}"
}

/// A string literal of the flow language holding `s`.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn timestamp() -> impl Strategy<Value = (u32, u32, u32, u32, u32)> {
    (2015u32..2030, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60)
}

fn ts((y, mo, d, h, mi): (u32, u32, u32, u32, u32)) -> String {
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z")
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?"
}

fn domain() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..3), "[a-z]{2,6}")
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

/// An observable behind an asset: (kind, title, properties).
type Observable = (String, Option<String>, String);

fn observable() -> impl Strategy<Value = Observable> {
    prop_oneof![
        (any::<[u8; 4]>(), prop::option::of(0u8..=32)).prop_map(|(o, cidr)| {
            let mut ip = format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
            if let Some(c) = cidr {
                let _ = write!(ip, "/{c}");
            }
            ("ipv4-addr".into(), Some(ip), String::new())
        }),
        any::<[u16; 8]>().prop_map(|g| {
            let groups: Vec<String> = g.iter().map(|x| format!("{x:x}")).collect();
            ("ipv6-addr".into(), Some(groups.join(":")), String::new())
        }),
        any::<[u8; 6]>().prop_map(|m| {
            let pairs: Vec<String> = m.iter().map(|x| format!("{x:02x}")).collect();
            ("mac-addr".into(), Some(pairs.join(":")), String::new())
        }),
        domain().prop_map(|d| ("domain-name".into(), Some(d), String::new())),
        (domain(), "[a-z0-9/._-]{0,20}")
            .prop_map(|(d, path)| { ("url".into(), Some(format!("https://{d}/{path}")), String::new()) }),
        ("[a-z][a-z0-9._]{0,10}", domain()).prop_map(|(local, d)| (
            "email-addr".into(),
            Some(format!("{local}@{d}")),
            String::new()
        )),
        (
            "[a-z0-9_-]{1,12}\\.(exe|dll|zip|txt)",
            "[0-9a-f]{64}",
            "[0-9a-f]{32}",
            0u64..1 << 40
        )
            .prop_map(|(name, sha, md5, size)| {
                let props = format!("hashes: {{ \"SHA-256\": \"{sha}\", MD5: \"{md5}\" }}\n  size: {size}");
                ("file".into(), Some(name), props)
            }),
        text().prop_map(|cmd| ("process".into(), Some(cmd), String::new())),
        ("[a-z][a-z0-9._]{0,12}", text()).prop_map(|(login, name)| {
            (
                "user-account".into(),
                Some(name),
                format!("account_login: {}", quoted(&login)),
            )
        }),
        (0u32..=65535, 0u32..=65535, any::<bool>()).prop_map(|(src, dst, tcp)| {
            let protocols = if tcp {
                "[\"ipv4\", \"tcp\"]"
            } else {
                "[\"ipv4\", \"udp\"]"
            };
            let props = format!("src_port: {src}\n  dst_port: {dst}\n  protocols: {protocols}");
            ("network-traffic".into(), None, props)
        }),
    ]
}

/// One generated flow: the pieces the source is assembled from.
#[derive(Debug, Clone)]
struct Model {
    scope: &'static str,
    created: (u32, u32, u32, u32, u32),
    description: String,
    author: Option<String>,
    marking: Option<&'static str>,
    /// (technique index, title, confidence, with tactic)
    actions: Vec<(usize, Option<String>, Option<u8>, bool)>,
    conditions: Vec<String>,
    operators: Vec<bool>,
    /// (title, observable)
    assets: Vec<(String, Option<Observable>)>,
    /// Flow edges as (from, to) indices into the steps (actions, then conditions, then
    /// operators); only forward edges, so the flow has a start.
    edges: Vec<(usize, usize, bool)>,
    /// Relationship types from the last action to a malware.
    relationship: Option<String>,
    custom: Option<(String, i64)>,
}

fn model() -> impl Strategy<Value = Model> {
    (
        (
            prop::sample::select(SCOPES),
            timestamp(),
            text(),
            prop::option::of(text()),
            prop::option::of(prop::sample::select(
                &["tlp-white", "tlp-green", "tlp-amber", "tlp-red"][..],
            )),
        ),
        prop::collection::vec(
            (
                0..TECHNIQUES.len(),
                prop::option::of(text()),
                prop::option::of(0u8..=100),
                any::<bool>(),
            ),
            1..8,
        ),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec(any::<bool>(), 0..3),
        prop::collection::vec((text(), prop::option::of(observable())), 0..4),
        prop::collection::vec((any::<u16>(), any::<u16>(), any::<bool>()), 0..12),
        prop::option::of("[a-z]{1,8}(-[a-z0-9]{1,6})?"),
        prop::option::of(("x_[a-z]{3,8}", any::<i64>())),
    )
        .prop_map(
            |(
                (scope, created, description, author, marking),
                actions,
                conditions,
                operators,
                assets,
                edges,
                relationship,
                custom,
            )| {
                let steps = actions.len() + conditions.len() + operators.len();
                let edges = edges
                    .into_iter()
                    .filter_map(|(a, b, f)| {
                        let (a, b) = (a as usize % steps, b as usize % steps);
                        (a < b).then_some((a, b, f))
                    })
                    .collect();
                Model {
                    scope,
                    created,
                    description,
                    author,
                    marking,
                    actions,
                    conditions,
                    operators,
                    assets,
                    edges,
                    relationship,
                    custom,
                }
            },
        )
}

/// The flow source of a model.
fn source(m: &Model) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "flow \"Generated\" {{");
    let _ = writeln!(s, "  scope: {}", m.scope);
    let _ = writeln!(s, "  created: {}", ts(m.created));
    let _ = writeln!(s, "  description: {}", quoted(&m.description));
    if let Some(author) = &m.author {
        let _ = writeln!(s, "  author: {} {{ identity_class: individual }}", quoted(author));
    }
    if let Some(marking) = m.marking {
        let _ = writeln!(s, "  marking: {marking}");
    }
    if let Some((key, value)) = &m.custom {
        let _ = writeln!(s, "  {key}: {value}");
    }
    let _ = writeln!(s, "}}");

    let steps: Vec<(String, &str)> = (0..m.actions.len())
        .map(|i| (format!("a{i}"), "action"))
        .chain((0..m.conditions.len()).map(|i| (format!("c{i}"), "condition")))
        .chain((0..m.operators.len()).map(|i| (format!("o{i}"), "operator")))
        .collect();
    for (i, (technique, title, confidence, with_tactic)) in m.actions.iter().enumerate() {
        let (id, tactic) = TECHNIQUES[*technique];
        let _ = write!(s, "action a{i} {id}");
        if let Some(title) = title {
            let _ = write!(s, " {}", quoted(title));
        }
        let _ = writeln!(s, " {{");
        if *with_tactic {
            let _ = writeln!(s, "  tactic: {tactic}");
        }
        if let Some(c) = confidence {
            let _ = writeln!(s, "  confidence: {c}");
        }
        let _ = writeln!(s, "  execution_start: {}", ts(m.created));
        if i < m.assets.len() {
            let _ = writeln!(s, "  asset_refs: [asset{i}]");
        }
        let _ = writeln!(s, "}}");
    }
    for (i, description) in m.conditions.iter().enumerate() {
        let _ = writeln!(s, "condition c{i} {}", quoted(description));
    }
    for (i, and) in m.operators.iter().enumerate() {
        let _ = writeln!(s, "operator o{i} {}", if *and { "AND" } else { "OR" });
    }
    for (i, (title, observable)) in m.assets.iter().enumerate() {
        let _ = write!(s, "asset asset{i} {}", quoted(title));
        if observable.is_some() {
            let _ = write!(s, " {{ object_ref: obs{i} }}");
        }
        let _ = writeln!(s);
        if let Some((kind, title, props)) = observable {
            let _ = write!(s, "{kind} obs{i}");
            if let Some(title) = title {
                let _ = write!(s, " {}", quoted(title));
            }
            if props.is_empty() {
                let _ = writeln!(s);
            } else {
                let _ = writeln!(s, " {{\n  {props}\n}}");
            }
        }
    }
    // Assets no action refers to are connected to the flow through the first action.
    if m.assets.len() > m.actions.len() {
        let extra: Vec<String> = (m.actions.len()..m.assets.len())
            .map(|i| format!("asset{i}"))
            .collect();
        let _ = writeln!(s, "a0 -[related-to]-> {}", extra.join(", "));
    }
    let mut has_in = vec![false; steps.len()];
    let mut has_out = vec![false; steps.len()];
    for (a, b, false_branch) in &m.edges {
        let (from, kind) = &steps[*a];
        let (to, _) = &steps[*b];
        let arrow = if *false_branch && *kind == "condition" {
            "-[false]->"
        } else {
            "->"
        };
        let _ = writeln!(s, "{from} {arrow} {to}");
        has_in[*b] = true;
        has_out[*a] = true;
    }
    // A step with no edge at all is connected from the first action, so that no node is left
    // outside the flow.
    for (i, (name, _)) in steps.iter().enumerate().skip(1) {
        if !has_in[i] && !has_out[i] {
            let _ = writeln!(s, "a0 -> {name}");
        }
    }
    if let Some(rel) = &m.relationship {
        let _ = writeln!(s, "malware kit \"Kit\" {{ is_family: false }}");
        let _ = writeln!(s, "a0 -[{rel}]-> kit");
    }
    s
}

fn render(diags: &[af_diagnostics::Diagnostic], text: &str) -> String {
    let index = af_diagnostics::LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let p = index.line_col(text, d.span.start);
            format!(
                "{}:{} {} {:?} {}",
                p.line, p.column, d.code, d.severity, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(Config { cases: 192, ..Config::default() })]

    #[test]
    fn validate_accepts_what_compile_writes(m in model()) {
        let src = source(&m);
        let compiled = af_compile::compile_str(&src, &af_compile::Options::default());
        let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
        prop_assert!(errors.is_empty(), "the generated flow does not compile:\n{}\n{src}", render(&errors, &src));
        let bundle = compiled.to_json();
        let found: Vec<_> = af_validate::validate_str(&bundle).into_iter().filter(|d| d.is_error()).collect();
        prop_assert!(found.is_empty(), "afc validate rejects the compiled flow:\n{}\n--- source\n{src}", render(&found, &bundle));
    }
}
