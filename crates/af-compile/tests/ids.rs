//! Ids by the book (STIX 2.1 §2.9): observables with ID-contributing properties get the
//! deterministic id STIX prescribes (the same for every producer), observables without any get
//! a UUIDv4-shaped id, and everything else keeps afc's UUIDv5 of the flow and the name.

use af_compile::{compile_str, Options};
use af_stix::Object;

const HEAD: &str =
    "flow \"Ids\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\n";

fn compile(body: &str) -> Vec<Object> {
    let compiled = compile_str(&format!("{HEAD}{body}"), &Options::default());
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    compiled.objects
}

fn id_of<'a>(objects: &'a [Object], ty: &str) -> &'a str {
    objects
        .iter()
        .find(|o| o.get_str("type") == Some(ty))
        .and_then(|o| o.get_str("id"))
        .unwrap_or_default()
}

fn version(id: &str) -> Option<usize> {
    let (_, uuid) = af_stix::id::split_id(id)?;
    uuid::Uuid::parse_str(uuid).ok().map(|u| u.get_version_num())
}

#[test]
fn observables_with_contributing_properties_get_the_stix_id() {
    let objects = compile(
        "action a T1566 { asset_refs: [h] }\nasset h \"Host\" { object_ref: ip }\nipv4-addr ip \"198.51.100.7\"\n",
    );
    // What the OASIS stix2 library gives this address (crates/af-stix/tests/fixtures).
    let ip = "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db";
    assert_eq!(id_of(&objects, "ipv4-addr"), ip);
    let asset = objects.iter().find(|o| o.get_str("type") == Some("attack-asset"));
    assert_eq!(
        asset.and_then(|a| a.get_str("object_ref")),
        Some(ip),
        "refs are renamed"
    );
}

#[test]
fn references_between_observables_use_the_final_ids() {
    let objects = compile(
        "action a T1566 { asset_refs: [h] }\nasset h \"Host\" { object_ref: f }\nfile f \"a.txt\" { parent_directory_ref: dir }\ndirectory dir \"C:\\\\Windows\\\\System32\"\n",
    );
    let dir = id_of(&objects, "directory");
    assert_eq!(dir, "directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622");
    let file = objects.iter().find(|o| o.get_str("type") == Some("file"));
    assert_eq!(file.and_then(|f| f.get_str("parent_directory_ref")), Some(dir));
    let expected = af_stix::id::sco_id("file", |k| match k {
        "name" => Some("a.txt".into()),
        "parent_directory_ref" => Some(dir.into()),
        _ => None,
    });
    assert_eq!(Some(id_of(&objects, "file")), expected.as_deref());
}

#[test]
fn observables_without_contributing_properties_get_a_stable_v4_id() {
    let body = "action a T1059 { command_ref: cmd }\nprocess cmd \"powershell -enc …\"\n";
    let (one, two) = (compile(body), compile(body));
    let id = id_of(&one, "process");
    assert_eq!(version(id), Some(4), "{id}");
    assert_eq!(id, id_of(&two, "process"), "still deterministic");
    let other = compile("action a T1059 { command_ref: other }\nprocess other \"powershell -enc …\"\n");
    assert_ne!(id, id_of(&other, "process"), "the name is part of it");
    // An observable whose contributing properties are all absent: a v4 id too.
    let objects = compile("action a T1566 { asset_refs: [h] }\nasset h \"Host\" { object_ref: u }\nuser-account u { display_name: \"J\" }\n");
    assert_eq!(version(id_of(&objects, "user-account")), Some(4));
}

#[test]
fn sdos_and_explicit_ids_keep_their_scheme() {
    let objects = compile(
        "action a T1566 { asset_refs: [h] }\nasset h \"Host\" { object_ref: ip }\nipv4-addr ip \"198.51.100.7\" { id: \"ipv4-addr--4ca45d45-df4d-4613-8980-bac22d278fa5\" }\n",
    );
    assert_eq!(
        id_of(&objects, "ipv4-addr"),
        "ipv4-addr--4ca45d45-df4d-4613-8980-bac22d278fa5"
    );
    let action = id_of(&objects, "attack-action");
    assert_eq!(version(action), Some(5));
    let flow = id_of(&objects, "attack-flow");
    assert_eq!(action, af_stix::id::derive("attack-action", &[flow, "a"]));
}

#[test]
fn the_same_observable_twice_is_an_error() {
    let compiled = compile_str(
        &format!("{HEAD}action a T1566 {{ asset_refs: [h, g] }}\nasset h \"H\" {{ object_ref: one }}\nasset g \"G\" {{ object_ref: two }}\nipv4-addr one \"198.51.100.7\"\nipv4-addr two \"198.51.100.7\"\n"),
        &Options::default(),
    );
    let d = compiled.diagnostics.iter().find(|d| d.code == "E0103");
    assert!(
        d.is_some_and(|d| d.message.contains("same observable")),
        "{:?}",
        compiled.diagnostics
    );
}
