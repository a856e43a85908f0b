//! Issue 12, items 1 and 2: no command writes over its inputs or its own outputs, `import`
//! keeps hand-written sources, and writes follow no planted link.

use crate::harness::{afc, listing, read, s, scratch, write};
use std::path::Path;

/// A flow that compiles cleanly, with a comment that an import would not keep.
pub fn hand_written(name: &str) -> String {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/bec-invoice-fraud.af");
    let text = read(&example).replace("flow \"", &format!("flow \"{name} "));
    format!("# hand-written notes that only the source has\n{text}")
}

// ---- issue 12, item 1: no command overwrites its inputs or its own outputs ----

#[test]
fn import_never_replaces_an_existing_flow_unless_forced() {
    let dir = scratch("import-keeps-sources");
    let (a, b) = (dir.join("a.af"), dir.join("b.af"));
    write(&a, hand_written("A"));
    write(&b, hand_written("B"));
    let compiled = afc(&["compile", s(&a), s(&b)]).run();
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());

    let imported = afc(&["import", s(&dir.join("a.json")), s(&dir.join("b.json"))]).run();
    assert_eq!(imported.code, Some(1), "{}", imported.show());
    assert_eq!(read(&a), hand_written("A"), "a.af untouched");
    assert_eq!(read(&b), hand_written("B"), "b.af untouched");
    assert!(imported.stderr.contains("--force"), "{}", imported.show());
    assert!(
        imported.stderr.contains(s(&a)) && imported.stderr.contains(s(&b)),
        "{}",
        imported.show()
    );

    // The same into an --out-dir that already holds the flows.
    let out = dir.join("out");
    write(&out.join("a.af"), "# mine\n");
    let again = afc(&["import", s(&dir.join("a.json")), "--out-dir", s(&out)]).run();
    assert_eq!(again.code, Some(1), "{}", again.show());
    assert_eq!(read(&out.join("a.af")), "# mine\n");

    // --force replaces them; an import that is already there is fine without it.
    let forced = afc(&[
        "import",
        s(&dir.join("a.json")),
        s(&dir.join("b.json")),
        "--force",
    ])
    .run();
    assert_eq!(forced.code, Some(0), "{}", forced.show());
    assert!(!read(&a).contains("hand-written notes"));
    let rerun = afc(&["import", s(&dir.join("a.json")), s(&dir.join("b.json"))]).run();
    assert_eq!(rerun.code, Some(0), "{}", rerun.show());
}

#[test]
fn no_command_writes_over_one_of_its_inputs() {
    let dir = scratch("inputs-stay");
    let flow = dir.join("flow.af");
    write(&flow, hand_written("F"));
    let bundle = dir.join("src.json");
    let compiled = afc(&["compile", s(&flow), "-o", s(&bundle)]).run();
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());
    let bundle_text = read(&bundle);
    let ids = dir.join("detected.txt");
    write(&ids, "T1566\n");

    // `-o` naming the input, by another spelling too.
    let other_spelling = dir.join(".").join("flow.af");
    for args in [
        vec!["compile", s(&flow), "-o", s(&other_spelling)],
        vec!["render", s(&flow), "-o", s(&flow)],
        vec!["import", s(&bundle), "-o", s(&bundle)],
        vec!["check", s(&flow), "--diagnostics-file", s(&flow)],
        // The commands that came after the rule: they write through the same helper.
        vec!["export", s(&flow), "-o", s(&flow)],
        vec!["export", s(&bundle), "-o", s(&bundle)],
        vec!["render", s(&flow), "--to", "png", "-o", s(&flow)],
        vec!["diff", s(&flow), s(&bundle), "-o", s(&bundle)],
        vec!["stats", s(&flow), s(&bundle), "-o", s(&flow)],
        vec!["coverage", s(&flow), "-d", s(&ids), "-o", s(&ids)],
    ] {
        let r = afc(&args).run();
        assert_eq!(r.code, Some(2), "{args:?}\n{}", r.show());
        assert!(r.stderr.contains("is the input"), "{args:?}\n{}", r.show());
        assert_eq!(read(&flow), hand_written("F"), "{args:?}");
        assert_eq!(read(&bundle), bundle_text, "{args:?}");
        assert_eq!(read(&ids), "T1566\n", "{args:?}");
    }

    // A Navigator layer is PREFIX-<matrix>.json: a prefix that names the input through it.
    let layer_input = dir.join("layer-enterprise-attack.json");
    write(&layer_input, &bundle_text);
    let r = afc(&[
        "render",
        s(&layer_input),
        "--to",
        "navigator",
        "-o",
        s(&dir.join("layer")),
    ])
    .run();
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert!(r.stderr.contains("is the input"), "{}", r.show());
    assert_eq!(read(&layer_input), bundle_text);

    // A bundle given to compile among flows would be written over with its own "bundle".
    let several = afc(&["compile", s(&bundle), s(&flow)]).run();
    assert_eq!(several.code, Some(2), "{}", several.show());
    assert_eq!(read(&bundle), bundle_text);
    assert!(
        !dir.join("flow.json").exists(),
        "nothing is written when a destination is refused"
    );

    // A bundle named .af, imported beside itself.
    let named_af = dir.join("self.af");
    write(&named_af, &bundle_text);
    let r = afc(&["import", s(&named_af), s(&bundle)]).run();
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert_eq!(read(&named_af), bundle_text);
}

#[test]
fn outputs_that_collide_in_out_dir_are_errors() {
    let dir = scratch("collisions");
    write(&dir.join("a/flow.af"), hand_written("A"));
    write(&dir.join("b/flow.af"), hand_written("B"));
    let out = dir.join("out");
    for args in [
        vec!["compile", "a/flow.af", "b/flow.af", "--out-dir", "out"],
        vec!["render", "a/flow.af", "b/flow.af", "--out-dir", "out"],
        vec![
            "render",
            "a/flow.af",
            "b/flow.af",
            "--to",
            "png",
            "--out-dir",
            "out",
        ],
        vec!["export", "a/flow.af", "b/flow.af", "--out-dir", "out"],
    ] {
        let r = afc(&args).dir(&dir).run();
        assert_eq!(r.code, Some(2), "{args:?}\n{}", r.show());
        assert!(
            r.stderr.contains("a/flow.af") && r.stderr.contains("b/flow.af"),
            "{}",
            r.show()
        );
        assert!(
            listing(&out).is_empty(),
            "{args:?}: nothing written, found {:?}",
            listing(&out)
        );
    }
    let compiled = afc(&["compile", "a/flow.af", "b/flow.af"]).dir(&dir).run();
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());
    let r = afc(&["import", "a/flow.json", "b/flow.json", "--out-dir", "out"])
        .dir(&dir)
        .run();
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert!(listing(&out).is_empty());
}

// ---- issue 12, item 2: atomic writes that follow no planted link ----

#[cfg(unix)]
#[test]
fn fmt_ignores_planted_temporary_files_and_formats_link_targets() {
    use std::os::unix::fs::symlink;
    let dir = scratch("fmt-links");
    let flow = dir.join("f.af");
    write(&flow, "action   a   T1566\n");
    let victim = dir.join("victim.txt");
    write(&victim, "keep me\n");
    // The name older versions used for their temporary file.
    symlink(&victim, dir.join(".f.af.afc-fmt.tmp")).unwrap_or_else(|e| panic!("{e}"));
    let r = afc(&["fmt", s(&flow)]).run();
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert_eq!(read(&victim), "keep me\n");
    assert_eq!(read(&flow), "action a T1566\n");
    assert!(!std::fs::symlink_metadata(&flow).is_ok_and(|m| m.file_type().is_symlink()));

    // A linked flow: the file it points to is formatted, the link stays.
    let real = dir.join("real.af");
    write(&real, "action   b   T1078\n");
    let link = dir.join("link.af");
    symlink("real.af", &link).unwrap_or_else(|e| panic!("{e}"));
    let r = afc(&["fmt", s(&link)]).run();
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert_eq!(read(&real), "action b T1078\n");
    assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    let names = listing(&dir);
    assert!(names.iter().all(|n| !n.ends_with(".afc-tmp")), "{names:?}");
}
