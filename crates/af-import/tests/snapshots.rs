//! Snapshots of imported output for three small flows made for these tests: a Builder-style
//! export with a condition branch (imported as is and repaired), a bundle with the corners
//! the language handles with care or cannot express, and a small `.afb` file.

use af_import::{import_afb, import_bundle, ImportOptions, Imported};
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

fn report(imported: &Imported) -> String {
    let compiled = af_compile::compile_str(&imported.source, &af_compile::Options::default());
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", imported.source);
    format!(
        "{}\n--- notes ---\n{}\n",
        imported.source,
        imported.notes.join("\n")
    )
}

#[test]
fn builder_branch_as_is() {
    let imported =
        import_bundle(&fixture("builder-branch.json"), &ImportOptions::default()).expect("imports");
    assert!(imported.source.contains("-[related-to]->"));
    insta::assert_snapshot!(report(&imported));
}

#[test]
fn builder_branch_repaired() {
    let imported = import_bundle(
        &fixture("builder-branch.json"),
        &ImportOptions {
            repair: true,
            ..ImportOptions::default()
        },
    )
    .expect("imports");
    assert!(!imported.source.contains("-[related-to]->"));
    insta::assert_snapshot!(report(&imported));
}

#[test]
fn odd_corners() {
    let imported = import_bundle(&fixture("odd-corners.json"), &ImportOptions::default()).expect("imports");
    insta::assert_snapshot!(report(&imported));
}

#[test]
fn small_afb() {
    let imported = import_afb(&fixture("small.afb"), &ImportOptions::default()).expect("imports");
    insta::assert_snapshot!(report(&imported));
}
