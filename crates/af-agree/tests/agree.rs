//! The compiler and the validator agree: a value the compiler refuses in a flow, the validator
//! refuses in a bundle, with the same severity, and a value one accepts the other accepts.
//! Each case is written twice: as flow source (compiled) and as the same value in a bundle
//! (validated). These are the regression tests of the disagreements issue 14 lists.

use af_diagnostics::{Diagnostic, Severity};
use serde_json::{json, Value};

const HEAD: &str = "flow \"Agree\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\naction a T1566 { asset_refs: [host] }\nasset host \"Host\" { object_ref: target }\n";

/// Compiles `HEAD` plus `body` (which declares a node named `target`) and returns the
/// diagnostics.
fn compile(body: &str) -> Vec<Diagnostic> {
    af_compile::compile_str(&format!("{HEAD}{body}\n"), &af_compile::Options::default()).diagnostics
}

/// Compiles `HEAD` plus `clean` (which must compile without any diagnostic), applies `change`
/// to the bundle and validates it.
fn validate(clean: &str, change: impl FnOnce(&mut Value)) -> Vec<Diagnostic> {
    let compiled = af_compile::compile_str(&format!("{HEAD}{clean}\n"), &af_compile::Options::default());
    assert!(
        compiled.diagnostics.is_empty(),
        "{clean}: {:?}",
        compiled.diagnostics
    );
    let mut bundle: Value = serde_json::from_str(&compiled.to_json()).unwrap_or_default();
    change(&mut bundle);
    af_validate::validate_str(&serde_json::to_string_pretty(&bundle).unwrap_or_default())
}

/// The object of type `ty` in a bundle.
fn object<'a>(bundle: &'a mut Value, ty: &str) -> &'a mut Value {
    let objects = bundle["objects"].as_array_mut();
    let found = objects.and_then(|o| o.iter_mut().find(|o| o["type"] == ty));
    found.unwrap_or_else(|| panic!("no {ty}"))
}

fn codes(diags: &[Diagnostic]) -> Vec<(&'static str, Severity)> {
    diags.iter().map(|d| (d.code, d.severity)).collect()
}

/// One disagreement of old: the flow form, the clean flow it is a change of, and the change to
/// the bundle; the compiler code and the validator code, and the severity both give.
fn agree(
    bad: &str,
    clean: &str,
    change: impl FnOnce(&mut Value),
    compile_code: &str,
    validate_code: &str,
    severity: Severity,
) {
    let c = compile(bad);
    assert!(
        c.iter().any(|d| d.code == compile_code && d.severity == severity),
        "compile {bad:?}: {:?}",
        codes(&c)
    );
    let v = validate(clean, change);
    assert!(
        v.iter()
            .any(|d| d.code == validate_code && d.severity == severity),
        "validate the bundle of {clean:?} changed: {:?}",
        codes(&v)
    );
    assert!(compile(clean).is_empty(), "{clean}");
}

#[test]
fn ipv4_addresses() {
    agree(
        "ipv4-addr target \"999.1.1.1\"",
        "ipv4-addr target \"198.51.100.7\"",
        |b| object(b, "ipv4-addr")["value"] = json!("999.1.1.1"),
        "E0211",
        "V0119",
        Severity::Error,
    );
}

#[test]
fn domain_names_and_urls() {
    agree(
        "domain-name target \"not a domain!\"",
        "domain-name target \"example.com\"",
        |b| object(b, "domain-name")["value"] = json!("not a domain!"),
        "W0204",
        "V0120",
        Severity::Warning,
    );
    agree(
        "url target \"not a url\"",
        "url target \"https://example.com/a\"",
        |b| object(b, "url")["value"] = json!("not a url"),
        "W0204",
        "V0120",
        Severity::Warning,
    );
    // Internationalized names are host names.
    assert!(compile("domain-name target \"bücher.example\"").is_empty());
}

#[test]
fn relationship_types() {
    for label in ["related_to", "Uses"] {
        agree(
            &format!("malware target \"M\" {{ is_family: false }}\na -[{label}]-> target"),
            "malware target \"M\" { is_family: false }\na -[uses]-> target",
            |b| object(b, "relationship")["relationship_type"] = json!(label),
            "E0211",
            "V0119",
            Severity::Error,
        );
    }
}

#[test]
fn integer_bounds() {
    agree(
        "network-traffic target { protocols: [tcp], dst_port: 70000 }",
        "network-traffic target { protocols: [tcp], dst_port: 443 }",
        |b| object(b, "network-traffic")["dst_port"] = json!(70000),
        "E0205",
        "V0109",
        Severity::Error,
    );
}

#[test]
fn binaries_and_hashes() {
    agree(
        "artifact target { payload_bin: \"not base64!\" }",
        "artifact target { payload_bin: \"aGVsbG8=\" }",
        |b| object(b, "artifact")["payload_bin"] = json!("not base64!"),
        "E0211",
        "V0119",
        Severity::Error,
    );
    agree(
        "file target \"x.exe\" { hashes: { MD5: \"abc\" } }",
        "file target \"x.exe\" { hashes: { MD5: \"d41d8cd98f00b204e9800998ecf8427e\" } }",
        |b| object(b, "file")["hashes"] = json!({"MD5": "abc"}),
        "E0211",
        "V0119",
        Severity::Error,
    );
}

#[test]
fn timestamps_in_order() {
    agree(
        "malware target \"M\" { is_family: false, modified: 2025-01-01T00:00:00Z }",
        "malware target \"M\" { is_family: false }",
        |b| object(b, "malware")["modified"] = json!("2025-01-01T00:00:00.000Z"),
        "E0302",
        "V0117",
        Severity::Error,
    );
    // Issue 12, item 15: an action that ends before it starts.
    let bad = "malware target \"M\" { is_family: false }\naction late T1078 { execution_start: 2026-01-02T00:00:00Z, execution_end: 2026-01-01T00:00:00Z }\na -> late";
    let c = compile(bad);
    assert!(
        c.iter()
            .any(|d| d.code == "E0302" && d.message.contains("execution_end")),
        "{:?}",
        codes(&c)
    );
    let v = validate(
        "malware target \"M\" { is_family: false }\naction late T1078 { execution_start: 2026-01-02T00:00:00Z }\na -> late",
        |b| {
            let late = b["objects"]
                .as_array_mut()
                .and_then(|o| o.iter_mut().find(|o| o["name"] == "Valid Accounts"));
            if let Some(late) = late {
                late["execution_end"] = json!("2026-01-01T00:00:00.000Z");
            }
        },
    );
    assert!(
        v.iter().any(|d| d.code == "V0117" && d.is_error()),
        "{:?}",
        codes(&v)
    );
}

#[test]
fn external_references() {
    agree(
        "malware target \"M\" { is_family: false, external_references: [{ source_name: \"cve\", external_id: \"CVE-21-1\" }] }",
        "malware target \"M\" { is_family: false, external_references: [{ source_name: \"cve\", external_id: \"CVE-2021-44228\" }] }",
        |b| object(b, "malware")["external_references"][0]["external_id"] = json!("CVE-21-1"),
        "E0211",
        "V0119",
        Severity::Error,
    );
    agree(
        "malware target \"M\" { is_family: false, external_references: [{ source_name: \"blog\" }] }",
        "malware target \"M\" { is_family: false, external_references: [{ source_name: \"blog\", url: \"https://example.com\" }] }",
        |b| {
            object(b, "malware")["external_references"][0]
                .as_object_mut()
                .map(|m| m.remove("url"));
        },
        "E0208",
        "V0105",
        Severity::Error,
    );
}

#[test]
fn created_and_modified_on_observables_are_accepted_by_both() {
    let body =
        "ipv4-addr target \"198.51.100.7\" { created: 2026-01-01T00:00:00Z, modified: 2026-01-01T00:00:00Z }";
    assert!(compile(body).is_empty(), "{:?}", codes(&compile(body)));
    let v = validate("ipv4-addr target \"198.51.100.7\"", |b| {
        let ip = object(b, "ipv4-addr");
        ip["created"] = json!("2026-01-01T00:00:00.000Z");
        ip["modified"] = json!("2026-01-01T00:00:00.000Z");
    });
    assert!(v.is_empty(), "{:?}", codes(&v));
}

#[test]
fn property_names() {
    agree(
        "malware target \"M\" { is_family: false, \"Bad Key\": 1 }",
        "malware target \"M\" { is_family: false }",
        |b| object(b, "malware")["Bad Key"] = json!(1),
        "E0212",
        "V0115",
        Severity::Error,
    );
}

/// Issue 13, item 1: a flow whose first step is also where a retry loop returns starts at that
/// step (a note of the compiler), and the validator does not call that start a mistake.
#[test]
fn a_flow_that_starts_inside_its_retry_loop() {
    let source = "flow \"Retry\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\naction phish T1566.002\ncondition got_password \"The adversary holds a password\"\naction login T1078\nphish -> got_password -> login\ngot_password -[false]-> phish\n";
    let compiled = af_compile::compile_str(source, &af_compile::Options::default());
    assert_eq!(
        codes(&compiled.diagnostics),
        [("N0111", Severity::Note)],
        "{:#?}",
        compiled.diagnostics
    );
    let v = af_validate::validate_str(&compiled.to_json());
    assert!(v.is_empty(), "{:?}", codes(&v));
    // With a step nothing leads to, a start inside the loop is still worth a warning.
    let rooted = source.replace(
        "  description: \"d\"\n",
        "  description: \"d\"\n  start_refs: [got_password]\n",
    ) + "action recon T1595\nrecon -> phish\n";
    let compiled = af_compile::compile_str(&rooted, &af_compile::Options::default());
    let v = af_validate::validate_str(&compiled.to_json());
    assert!(v.iter().any(|d| d.code == "V0205"), "{:?}", codes(&v));
}

/// af-validate's rule fixtures start from `fixtures/base.json`, the compiler's output for
/// `fixtures/base.af`: it must still be exactly that (`AFC_UPDATE_FIXTURES=1` rewrites it).
#[test]
fn the_validator_fixture_is_what_the_compiler_writes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../af-validate/tests/fixtures");
    let source = std::fs::read_to_string(dir.join("base.af")).unwrap_or_else(|e| panic!("base.af: {e}"));
    let compiled = af_compile::compile_str(&source, &af_compile::Options::default());
    assert!(
        compiled.diagnostics.is_empty(),
        "the base flow must compile cleanly: {:?}",
        compiled.diagnostics
    );
    let fresh = compiled.to_json();
    let path = dir.join("base.json");
    if std::env::var_os("AFC_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == fresh,
        "{} is out of date; rerun with AFC_UPDATE_FIXTURES=1",
        path.display()
    );
}
