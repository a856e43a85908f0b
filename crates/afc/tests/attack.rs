//! `afc attack show|search|tactics`, run as the built binary: human and JSON output
//! (snapshotted), exit codes, did-you-mean, and `--attack-bundle` with good and bad files.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        match serde_json::from_str(&self.stdout) {
            Ok(v) => v,
            Err(e) => panic!("stdout is not JSON ({e}):\n{}", self.stdout),
        }
    }
}

/// Runs `afc attack ARGS…` without any `AFC_ATTACK_BUNDLE` from the environment.
fn attack(args: &[&str]) -> Run {
    attack_env(args, None)
}

fn attack_env(args: &[&str], bundle_env: Option<&Path>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.arg("attack").args(args).env_remove("AFC_ATTACK_BUNDLE");
    if let Some(b) = bundle_env {
        cmd.env("AFC_ATTACK_BUNDLE", b);
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run afc: {e}"),
    };
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the command in both formats, checks both succeed, snapshots both and returns the JSON.
fn snapshot_both(name: &str, args: &[&str]) -> (Run, Value) {
    let human = attack(args);
    assert_eq!(human.code, Some(0), "{args:?}: {}", human.stderr);
    insta::assert_snapshot!(format!("{name}_human"), human.stdout);

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = attack(&json_args);
    assert_eq!(json.code, Some(0), "{json_args:?}: {}", json.stderr);
    insta::assert_snapshot!(format!("{name}_json"), json.stdout);
    let value = json.json();
    (human, value)
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("afc-attack")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir
}

fn write(path: &Path, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| a.iter().map(|x| str_of(x, "id").to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn show_subtechnique() {
    let (human, v) = snapshot_both("show_T1566_001", &["show", "T1566.001"]);
    assert!(human
        .stdout
        .starts_with("T1566.001  Phishing: Spearphishing Attachment\n"));
    assert_eq!(str_of(&v, "kind"), "technique");
    assert_eq!(str_of(&v, "name"), "Phishing: Spearphishing Attachment");
    assert_eq!(str_of(&v, "catalog"), "attack");
    assert_eq!(str_of(&v, "status"), "active");
    assert_eq!(ids(&v["tactics"]), ["TA0001"]);
    assert_eq!(str_of(&v["parent"], "id"), "T1566");
    assert_eq!(
        str_of(&v, "url"),
        "https://attack.mitre.org/techniques/T1566/001/"
    );

    // The parent lists it among its sub-techniques; ids are case-insensitive.
    let parent = attack(&["show", "t1566", "--format", "json"]).json();
    assert!(ids(&parent["subtechniques"]).contains(&"T1566.001".to_string()));
    assert!(parent["parent"].is_null());
}

#[test]
fn show_revoked_names_the_end_of_the_chain() {
    let (human, v) = snapshot_both("show_T1073", &["show", "T1073"]);
    assert_eq!(str_of(&v, "status"), "revoked");
    let replacement = str_of(&v["replaced_by"], "id").to_string();
    assert!(
        human
            .stdout
            .contains(&format!("revoked; replaced by {replacement} (")),
        "{}",
        human.stdout
    );
    // The replacement is active: the chain was followed to its end.
    let target = attack(&["show", &replacement, "--format", "json"]).json();
    assert_eq!(str_of(&target, "status"), "active");
    assert_eq!(str_of(&v["replaced_by"], "name"), str_of(&target, "name"));
}

#[test]
fn show_atlas_technique() {
    let (human, v) = snapshot_both("show_AML_T0051", &["show", "AML.T0051"]);
    assert!(human.stdout.contains("ATLAS"));
    assert_eq!(str_of(&v, "catalog"), "atlas");
    assert_eq!(v["domains"], Value::Array(Vec::new()));
    assert!(str_of(&v, "url").starts_with("https://atlas.mitre.org/techniques/AML.T0051"));
    assert!(ids(&v["tactics"]).iter().all(|t| t.starts_with("AML.TA")));
}

#[test]
fn show_tactic() {
    let (human, v) = snapshot_both("show_TA0005", &["show", "TA0005"]);
    assert!(human.stdout.starts_with("TA0005  Stealth\n"));
    assert_eq!(str_of(&v, "kind"), "tactic");
    assert_eq!(str_of(&v, "name_v18"), "Defense Evasion");
    // The listed techniques and their sub-technique counts add up to the totals.
    let listed = v["techniques"].as_array().map(Vec::len).unwrap_or(0) as u64;
    let nested: u64 = v["techniques"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["subtechnique_count"].as_u64()).sum())
        .unwrap_or(0);
    let total = v["technique_count"].as_u64().unwrap_or(0) + v["subtechnique_count"].as_u64().unwrap_or(0);
    assert!(listed > 0);
    assert_eq!(listed + nested, total);

    // A short name finds the same tactic.
    let by_short = attack(&["show", "defense-evasion", "--format", "json"]).json();
    assert_eq!(str_of(&by_short, "id"), "TA0005");
}

#[test]
fn show_group() {
    let (human, v) = snapshot_both("show_G0016", &["show", "G0016"]);
    assert!(human.stdout.starts_with("G0016  APT29\n"));
    assert_eq!(str_of(&v, "kind"), "group");
    assert_eq!(str_of(&v, "url"), "https://attack.mitre.org/groups/G0016/");

    let software = attack(&["show", "S0154", "--format", "json"]).json();
    assert_eq!(str_of(&software, "kind"), "software");
    let mitigation = attack(&["show", "M1049", "--format", "json"]).json();
    assert_eq!(str_of(&mitigation, "kind"), "mitigation");
}

#[test]
fn search_phishing_lists_t1566_and_its_subtechniques_first() {
    let (human, v) = snapshot_both("search_phishing", &["search", "phishing", "--limit", "10"]);
    let found = ids(&v);
    assert_eq!(found.len(), 10);
    assert_eq!(found[0], "T1566");
    let subs = found
        .iter()
        .skip(1)
        .take_while(|id| id.starts_with("T1566."))
        .count();
    assert!(subs >= 1, "{found:?}");
    assert!(v
        .as_array()
        .is_some_and(|a| a.iter().all(|t| str_of(t, "status") == "active")));
    assert_eq!(human.stdout.lines().count(), 10);
    assert!(human.stdout.lines().all(|l| l.contains("Phishing")));
}

#[test]
fn search_one_catalog() {
    let (_, v) = snapshot_both(
        "search_phish_attack",
        &["search", "phish", "--catalog", "attack", "--limit", "5"],
    );
    assert_eq!(ids(&v).len(), 5);
    assert!(v
        .as_array()
        .is_some_and(|a| a.iter().all(|t| str_of(t, "catalog") == "attack")));

    let atlas = attack(&["search", "phish", "--catalog", "atlas", "--format", "json"]).json();
    assert!(!ids(&atlas).is_empty());
    assert!(ids(&atlas).iter().all(|id| id.starts_with("AML.")));
}

#[test]
fn search_hides_inactive_techniques_unless_all() {
    let active = attack(&[
        "search",
        "DLL",
        "Side-Loading",
        "--limit",
        "0",
        "--format",
        "json",
    ])
    .json();
    assert!(!ids(&active).contains(&"T1073".to_string()));
    let all = attack(&[
        "search",
        "DLL",
        "Side-Loading",
        "--all",
        "--limit",
        "0",
        "--format",
        "json",
    ])
    .json();
    assert!(ids(&all).contains(&"T1073".to_string()));

    let only_revoked = attack(&["search", "T1073"]);
    assert_eq!(only_revoked.code, Some(1));
    assert!(only_revoked.stderr.contains("--all"), "{}", only_revoked.stderr);

    let nothing = attack(&["search", "phising"]);
    assert_eq!(nothing.code, Some(1));
    assert!(nothing.stderr.contains("T1566"), "{}", nothing.stderr);
}

#[test]
fn tactics_of_atlas() {
    let (human, v) = snapshot_both("tactics_atlas", &["tactics", "--catalog", "atlas"]);
    assert!(human.stdout.starts_with("ATLAS ("));
    let list = v.as_array().cloned().unwrap_or_default();
    assert!(!list.is_empty());
    assert!(list.iter().all(|t| str_of(t, "catalog") == "atlas"));
    // The counts agree with `show` of the same tactic.
    let first = &list[0];
    let shown = attack(&["show", str_of(first, "id"), "--format", "json"]).json();
    assert_eq!(first["technique_count"], shown["technique_count"]);
    assert_eq!(first["subtechnique_count"], shown["subtechnique_count"]);
}

#[test]
fn tactics_of_one_domain() {
    let mobile = attack(&["tactics", "--domain", "mobile", "--format", "json"]).json();
    let list = mobile.as_array().cloned().unwrap_or_default();
    assert!(!list.is_empty());
    assert!(list.iter().all(|t| str_of(t, "domain") == "mobile"));
    assert!(list.iter().all(|t| str_of(t, "status") == "active"));
    let with_deprecated = attack(&["tactics", "--domain", "mobile", "--all", "--format", "json"]).json();
    assert!(with_deprecated.as_array().map(Vec::len) > Some(list.len()));

    let wrong = attack(&["tactics", "--catalog", "atlas", "--domain", "ics"]);
    assert_eq!(wrong.code, Some(2));
    assert!(wrong.stderr.contains("--domain"));
}

#[test]
fn unknown_id_exits_1_with_suggestions() {
    let human = attack(&["show", "T1566.01"]);
    assert_eq!(human.code, Some(1));
    assert!(human.stdout.is_empty());
    insta::assert_snapshot!("unknown_id_human_stderr", human.stderr);
    assert!(human.stderr.contains("unknown id"));

    let json = attack(&["show", "T1566.01", "--format", "json"]);
    assert_eq!(json.code, Some(1));
    insta::assert_snapshot!("unknown_id_json", json.stdout);
    let v = json.json();
    assert_eq!(str_of(&v, "error"), "unknown id");
    assert!(ids(&v["suggestions"]).contains(&"T1566.001".to_string()));

    // Look-alike letters in tactic and group ids.
    let tactic = attack(&["show", "TA00O5", "--format", "json"]).json();
    assert_eq!(
        ids(&tactic["suggestions"]).first().map(String::as_str),
        Some("TA0005")
    );
    let group = attack(&["show", "G0O16"]);
    assert_eq!(group.code, Some(1));
    assert!(group.stderr.contains("G0016  APT29"), "{}", group.stderr);
}

#[test]
fn malformed_bundle_exits_2() {
    let dir = temp_dir("malformed");
    let bad = dir.join("bad.json");
    write(&bad, "{\"type\": \"bundle\", \"objects\": [\n");
    let bad_arg = bad.display().to_string();
    for args in [
        vec!["show", "T1566", "--attack-bundle", &bad_arg],
        vec!["search", "phishing", "--attack-bundle", &bad_arg],
        vec!["tactics", "--attack-bundle", &bad_arg, "--format", "json"],
    ] {
        let run = attack(&args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("not valid JSON"), "{}", run.stderr);
    }
    let run = attack(&["show", "T1566", "--attack-bundle", &bad_arg]);
    let dir_text = dir.display().to_string();
    insta::assert_snapshot!("malformed_bundle_stderr", run.stderr.replace(&dir_text, "[TMP]"));

    let not_bundle = dir.join("list.json");
    write(&not_bundle, "[]");
    let run = attack_env(&["tactics"], Some(&not_bundle));
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not a STIX bundle"), "{}", run.stderr);

    let missing = attack(&[
        "tactics",
        "--attack-bundle",
        &dir.join("missing.json").display().to_string(),
    ]);
    assert_eq!(missing.code, Some(2));
    assert!(missing.stderr.contains("missing.json"));
}

#[test]
fn huge_bundle_is_refused_before_reading() {
    let dir = temp_dir("huge");
    let huge = dir.join("huge.json");
    let made = std::fs::File::create(&huge).and_then(|f| f.set_len(af_catalog::MAX_BUNDLE_BYTES + 1));
    if let Err(e) = made {
        panic!("cannot create a sparse file: {e}");
    }
    let run = attack(&["show", "T1566", "--attack-bundle", &huge.display().to_string()]);
    let _ = std::fs::remove_file(&huge);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("refused"), "{}", run.stderr);
}

const TINY_BUNDLE: &str = r#"{
  "type": "bundle",
  "id": "bundle--5d0e0c5a-7c3f-4c43-9d36-0d1f6f0e8a11",
  "objects": [
    { "type": "x-mitre-collection", "id": "x-mitre-collection--1", "x_mitre_version": "42.0" },
    { "type": "x-mitre-tactic", "id": "x-mitre-tactic--11111111-1111-4111-8111-111111111111",
      "name": "Initial Access", "x_mitre_shortname": "initial-access",
      "external_references": [{ "source_name": "mitre-attack", "external_id": "TA0001" }],
      "x_mitre_domains": ["enterprise-attack"] },
    { "type": "attack-pattern", "id": "attack-pattern--22222222-2222-4222-8222-222222222222",
      "name": "Carrier Pigeon",
      "external_references": [{ "source_name": "mitre-attack", "external_id": "T9999" }],
      "kill_chain_phases": [{ "kill_chain_name": "mitre-attack", "phase_name": "initial-access" }],
      "x_mitre_platforms": ["Windows"], "x_mitre_domains": ["enterprise-attack"] }
  ]
}"#;

#[test]
fn tiny_bundle_replaces_attack() {
    let dir = temp_dir("tiny");
    let path = dir.join("tiny.json");
    write(&path, TINY_BUNDLE);
    let arg = path.display().to_string();

    let human = attack(&["show", "T9999", "--attack-bundle", &arg]);
    assert_eq!(human.code, Some(0), "{}", human.stderr);
    insta::assert_snapshot!("tiny_bundle_show_human", human.stdout);
    let v = attack(&["show", "T9999", "--attack-bundle", &arg, "--format", "json"]).json();
    assert_eq!(str_of(&v, "name"), "Carrier Pigeon");
    assert_eq!(
        str_of(&v, "stix_id"),
        "attack-pattern--22222222-2222-4222-8222-222222222222"
    );
    assert_eq!(ids(&v["tactics"]), ["TA0001"]);

    // The embedded ATT&CK is gone, ATLAS is still there; the env var works like the flag.
    let gone = attack_env(&["show", "T1566"], Some(&path));
    assert_eq!(gone.code, Some(1));
    let atlas = attack_env(&["show", "AML.T0051"], Some(&path));
    assert_eq!(atlas.code, Some(0));
    let tactics = attack_env(
        &["tactics", "--catalog", "attack", "--format", "json"],
        Some(&path),
    )
    .json();
    assert_eq!(ids(&tactics), ["TA0001"]);
    assert_eq!(tactics[0]["technique_count"], 1);

    // Without the bundle, T9999 is unknown.
    assert_eq!(attack(&["show", "T9999"]).code, Some(1));
}

#[test]
fn search_finds_software_groups_campaigns_and_mitigations_by_name_and_alias() {
    let cobalt = attack(&["search", "cobalt", "strike"]);
    assert_eq!(cobalt.code, Some(0), "{}", cobalt.stderr);
    assert!(
        cobalt
            .stdout
            .starts_with("S0154  Cobalt Strike  software (malware)"),
        "{}",
        cobalt.stdout
    );
    let v = attack(&["search", "cobalt", "strike", "--format", "json"]).json();
    assert_eq!(str_of(&v[0], "kind"), "software");
    assert_eq!(str_of(&v[0], "id"), "S0154");
    let cozy = attack(&["search", "cozy", "bear", "--kind", "group", "--format", "json"]).json();
    assert_eq!(str_of(&cozy[0], "id"), "G0016");
    assert_eq!(str_of(&cozy[0], "matched_alias"), "Cozy Bear");
    assert!(cozy
        .as_array()
        .is_some_and(|a| a.iter().all(|h| str_of(h, "kind") == "group")));
    let training = attack(&["search", "user", "training", "--format", "json"]).json();
    assert_eq!(str_of(&training[0], "kind"), "mitigation");
    assert_eq!(str_of(&training[0], "id"), "M1017");
    let campaign = attack(&["search", "solarwinds", "--kind", "campaign", "--format", "json"]).json();
    assert_eq!(str_of(&campaign[0], "kind"), "campaign");
    assert_eq!(str_of(&campaign[0], "id"), "C0024");
    // Techniques only, as before, with --kind technique.
    let phish = attack(&["search", "phishing", "--kind", "technique", "--format", "json"]).json();
    assert!(phish
        .as_array()
        .is_some_and(|a| a.iter().all(|h| str_of(h, "kind") == "technique")));
}

#[test]
fn show_takes_names_and_aliases() {
    for args in [
        vec!["show", "apt29"],
        vec!["show", "Cozy Bear"],
        vec!["show", "cozy", "bear"],
    ] {
        let run = attack(&args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.starts_with("G0016  APT29\n"),
            "{args:?}: {}",
            run.stdout
        );
    }
    let cobalt = attack(&["show", "Cobalt Strike", "--format", "json"]).json();
    assert_eq!(str_of(&cobalt, "id"), "S0154");
    assert_eq!(str_of(&cobalt, "stix_type"), "malware");
    let campaign = attack(&["show", "C0024", "--format", "json"]).json();
    assert_eq!(str_of(&campaign, "kind"), "campaign");
    // A mitigation lists the techniques it mitigates; a technique its mitigations.
    let m = attack(&["show", "M1049", "--format", "json"]).json();
    assert!(ids(&m["mitigates"]).contains(&"T1566".to_string()));
    let t = attack(&["show", "T1566", "--format", "json"]).json();
    assert!(ids(&t["mitigations"]).contains(&"M1049".to_string()));
    // A technique by its name; its mobile namesake comes under `also`.
    let phishing = attack(&["show", "Phishing", "--format", "json"]).json();
    assert_eq!(str_of(&phishing, "id"), "T1566");
    assert!(ids(&phishing["also"]).contains(&"T1660".to_string()));
    // A near miss: exit 1 and the software as a suggestion.
    let near = attack(&["show", "Cobalt Strik"]);
    assert_eq!(near.code, Some(1));
    assert!(
        near.stderr.contains("unknown name `Cobalt Strik`"),
        "{}",
        near.stderr
    );
    assert!(
        near.stderr.contains("S0154  Cobalt Strike  (software)"),
        "{}",
        near.stderr
    );
}
