//! Issue 12, items 3, 4, 6 and 7: time and memory bounded by the input, at the sizes of the
//! issue's reproductions, each run under the harness's memory and CPU bounds.

use crate::harness::{afc, lsp_frames, s, scratch, tail, write, Run};

// ---- issue 12, items 3 and 4: bounded, streamed, capped diagnostics ----

/// One action with `n` dangling `effect_refs`, minified on one line.
fn dangling_bundle(n: usize) -> String {
    let refs: Vec<String> = (0..n)
        .map(|i| format!("\"action--00000000-0000-4000-8000-{i:012}\""))
        .collect();
    format!(
        concat!(
            r#"{{"type":"bundle","id":"bundle--6d2f4b7e-9a8c-4e31-9f5a-3c1b2d4e5f60","objects":["#,
            r#"{{"type":"extension-definition","id":"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4","spec_version":"2.1","created":"2022-08-02T19:34:35.143Z","modified":"2022-08-02T19:34:35.143Z","name":"Attack Flow","created_by_ref":"identity--fb9c968a-745b-4ade-9b25-c324172197f4","schema":"https://center-for-threat-informed-defense.github.io/attack-flow/stix/attack-flow-schema-2.0.0.json","version":"2.0.0","extension_types":["new-sdo"]}},"#,
            r#"{{"type":"attack-flow","id":"attack-flow--11111111-1111-4111-8111-111111111111","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","extensions":{{"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4":{{"extension_type":"new-sdo"}}}},"name":"F","scope":"incident","start_refs":["attack-action--22222222-2222-4222-8222-222222222222"]}},"#,
            r#"{{"type":"attack-action","id":"attack-action--22222222-2222-4222-8222-222222222222","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","extensions":{{"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4":{{"extension_type":"new-sdo"}}}},"name":"A","effect_refs":[{}]}}"#,
            "]}}"
        ),
        refs.join(",")
    )
}

#[test]
fn many_diagnostics_on_one_long_line_are_capped_and_windowed() {
    let dir = scratch("capped");
    let bundle = dir.join("dangling.json");
    let text = dangling_bundle(10_000);
    write(&bundle, &text);

    let human = afc(&["validate", s(&bundle)]).run();
    assert_eq!(
        human.code,
        Some(1),
        "{}",
        human.show().chars().take(2000).collect::<String>()
    );
    // 100 windowed excerpts, not 10,000 copies of a 600 KB line.
    assert!(
        human.stderr.len() < 200_000,
        "{} bytes of output",
        human.stderr.len()
    );
    assert!(
        human
            .stderr
            .contains("… and 19,902 more (10,000 V0201, 9,900 V0112")
            && human.stderr.contains("--max-diagnostics 0 shows them all"),
        "{}",
        human
            .stderr
            .chars()
            .rev()
            .take(2000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
    );
    assert!(human.stderr.contains('…'), "long lines are windowed");

    let json = afc(&["validate", s(&bundle), "--format", "json"]).run();
    assert_eq!(json.stdout.lines().count(), 100, "{}", json.stderr);
    let all = afc(&[
        "validate",
        s(&bundle),
        "--format",
        "json",
        "--max-diagnostics",
        "0",
    ])
    .run();
    assert!(
        all.stdout.lines().count() >= 10_000,
        "{}",
        all.stdout.lines().count()
    );
    assert!(!all.stderr.contains("more ("), "{}", all.stderr);
    // The columns are the file's, not the excerpt's.
    let last: serde_json::Value =
        serde_json::from_str(all.stdout.lines().last().unwrap_or("{}")).unwrap_or_default();
    assert_eq!(last["line"], 1);
    assert!(last["column"].as_u64().unwrap_or(0) > 400_000, "{last}");
}

#[test]
fn the_most_severe_diagnostics_are_the_ones_shown() {
    let dir = scratch("severity");
    let flow = dir.join("f.af");
    // 150 revoked techniques (warnings), then one unknown kind (an error) at the end.
    let mut text = String::from(
        "flow \"F\" {\n  scope: incident\n  description: \"d\"\n  created: 2026-01-01T00:00:00Z\n}\n",
    );
    for i in 0..150 {
        text.push_str(&format!("action a{i} T1073\n"));
    }
    text.push_str("malwar m \"x\"\n");
    write(&flow, &text);
    let r = afc(&["check", s(&flow), "--format", "json", "--max-diagnostics", "5"]).run();
    assert_eq!(r.code, Some(1), "{}", r.show());
    assert!(
        r.stdout.contains("\"code\":\"E0104\""),
        "the error is among the five: {}",
        r.show()
    );
    assert_eq!(r.stdout.lines().count(), 5);
    assert!(r.stderr.contains("… and 146 more (146 W0401)"), "{}", r.show());
}

// ---- issue 12, item 6: directory walks and patterns ----

#[cfg(unix)]
#[test]
fn directory_loops_are_walked_once() {
    use std::os::unix::fs::symlink;
    let dir = scratch("loops");
    write(&dir.join("flows/a.af"), "action a T1566\n");
    symlink(".", dir.join("flows/l1")).unwrap_or_else(|e| panic!("{e}"));
    symlink(".", dir.join("flows/l2")).unwrap_or_else(|e| panic!("{e}"));
    let r = afc(&["check", "flows", "--format", "json"]).dir(&dir).run();
    assert!(
        r.stderr.is_empty() || !r.stderr.contains("error:"),
        "{}",
        r.show()
    );
    let human = afc(&["check", "flows"]).dir(&dir).run();
    assert!(human.stderr.contains("1 file:"), "{}", human.show());
    let many = format!("{}/*.af", ["**"; 16].join("/"));
    let globbed = afc(&["check", &format!("flows/{many}")]).dir(&dir).run();
    assert!(globbed.stderr.contains("1 file:"), "{}", globbed.show());
}

// ---- the reproductions of items 3, 4 and 7 at the issue's sizes ----

const HEADER: &str =
    "flow \"Hostile\" {\n  scope: incident\n  description: \"d\"\n  created: 2026-01-01T00:00:00Z\n}\n";

/// Survived, and printed at most `bound` bytes in all.
fn bounded(r: &Run, bound: usize) {
    r.assert_survived();
    assert!(
        r.out_total + r.err_total <= bound,
        "printed {} + {} bytes, more than {bound}\n{}",
        r.out_total,
        r.err_total,
        r.show()
    );
}

#[test]
fn a_bundle_of_unconnected_actions_is_bounded() {
    // 2,000 unconnected actions (688 KB) asked for 2.75 GB.
    let dir = scratch("unconnected");
    let ext = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4";
    let sdo = |kind: &str, i: usize, extra: &str| {
        format!(
            r#"{{"type":"{kind}","id":"{kind}--00000000-0000-4000-8000-{i:012}","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","extensions":{{"{ext}":{{"extension_type":"new-sdo"}}}}{extra}}}"#
        )
    };
    let mut objects = vec![sdo(
        "attack-flow",
        0,
        r#","name":"F","scope":"incident","start_refs":["attack-action--00000000-0000-4000-8000-000000000001"]"#,
    )];
    for i in 1..=2_000 {
        objects.push(sdo(
            "attack-action",
            i,
            r#","name":"Same name","technique_id":"T1566""#,
        ));
    }
    let bundle = dir.join("unconnected.json");
    write(
        &bundle,
        format!(
            r#"{{"type":"bundle","id":"bundle--00000000-0000-4000-8000-999999999999","objects":[{}]}}"#,
            objects.join(",")
        ),
    );
    for format in ["human", "json", "sarif", "github"] {
        let r = afc(&["validate", s(&bundle), "--format", format]).run();
        bounded(&r, 400_000);
        assert_eq!(r.code, Some(1), "{}", r.show());
        assert!(r.stderr.contains("more ("), "{format}: {}", tail(&r.stderr, 2000));
    }
}

#[test]
fn many_duplicate_names_and_edges_are_bounded() {
    let dir = scratch("duplicates");
    // 200,000 declarations of one name (took 41 s).
    let names = format!("{HEADER}{}", "action a T1566\n".repeat(200_000));
    write(&dir.join("names.af"), &names);
    // 100,000 copies of one edge in 700 KB (7.5 s).
    let edges = format!(
        "{HEADER}action a T1566\naction b T1078\n{}",
        "a -> b\n".repeat(100_000)
    );
    write(&dir.join("edges.af"), &edges);
    for (file, summary, rest) in [
        ("names.af", "199,999 errors", "… and 199,899 more (199,899 E0103)"),
        ("edges.af", "99,999 warnings", "… and 99,899 more (99,899 W0"),
    ] {
        for format in ["human", "json"] {
            let r = afc(&["check", file, "--format", format]).dir(&dir).run();
            bounded(&r, 400_000);
            assert_eq!(r.code, Some(u8::from(file == "names.af").into()), "{}", r.show());
            assert!(r.stderr.contains(rest), "{file} {format}: {}", r.show());
            if format == "human" {
                assert!(r.stderr.contains(summary), "{file}: {}", r.show());
            } else {
                assert_eq!(r.stdout.lines().count(), 100, "{}", r.show());
            }
        }
    }
}

#[test]
fn stray_characters_are_bounded() {
    let dir = scratch("stray");
    // 200,000 lines of `@` (7.9 s), and a line of 20,000 `(` (21 s and 1.55 GB).
    write(&dir.join("at.af"), "@\n".repeat(200_000));
    write(&dir.join("parens.af"), "(".repeat(20_000));
    for file in ["at.af", "parens.af"] {
        let r = afc(&["check", file]).dir(&dir).run();
        bounded(&r, 400_000);
        assert_eq!(r.code, Some(1), "{}", r.show());
        let fmt = afc(&["fmt", "--check", file]).dir(&dir).run();
        bounded(&fmt, 400_000);
        assert_eq!(fmt.code, Some(1), "{}", fmt.show());
    }
}

#[test]
fn devices_that_never_end_are_read_only_to_the_limit() {
    // `metadata().len()` is 0 for /dev/zero: the cap must hold the read itself.
    for args in [
        ["validate", "/dev/zero"],
        ["check", "/dev/zero"],
        ["import", "/dev/zero"],
        ["fmt", "/dev/zero"],
    ] {
        let r = afc(&args).run();
        r.assert_survived();
        assert_eq!(r.code, Some(2), "{}", r.show());
        assert!(r.stderr.contains("larger than 256 MiB"), "{}", r.show());
    }
    for cmd in ["check", "validate", "import"] {
        let zero = std::fs::File::open("/dev/zero").unwrap_or_else(|e| panic!("{e}"));
        let r = afc(&[cmd, "-"]).stdin_from(zero).run();
        r.assert_survived();
        assert_eq!(r.code, Some(2), "{}", r.show());
        assert!(r.stderr.contains("larger than 256 MiB"), "{}", r.show());
    }
    // The ATT&CK bundle's limit is 512 MiB, read into one buffer: 2 GiB of address space
    // holds it, not an endless read.
    let dir = scratch("devices");
    write(&dir.join("a.af"), "action a T1566\n");
    let r = afc(&["check", "a.af", "--attack-bundle", "/dev/zero"])
        .dir(&dir)
        .memory_mb(2048)
        .run();
    r.assert_survived();
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert!(r.stderr.contains("512 MiB"), "{}", r.show());
}

#[test]
fn the_language_server_reads_an_endless_attack_bundle_only_to_the_limit() {
    use std::io::{Read, Write};
    let mut afc = afc(&["lsp"]).memory_mb(2048);
    let mut child = afc
        .command()
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start afc lsp: {e}"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut seen) = seen.lock() {
                    seen.extend_from_slice(&buf[..n]);
                }
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    let said = |text: &str| {
        seen.lock()
            .map(|b| String::from_utf8_lossy(&b).contains(text))
            .unwrap_or(false)
    };
    let mut wait_for = |text: &str| {
        let start = std::time::Instant::now();
        while !said(text) && start.elapsed().as_secs() < 300 {
            if child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    // As an editor does: `initialized` only after the answer to `initialize`.
    let _ = stdin.write_all(&lsp_frames(&[
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{},"initializationOptions":{"attackBundle":"/dev/zero"}}}"#.to_string(),
    ]));
    let _ = stdin.flush();
    wait_for("\"capabilities\"");
    let _ = stdin.write_all(&lsp_frames(&[
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.to_string(),
    ]));
    let _ = stdin.flush();
    // Then wait for the server to say what became of the setting.
    wait_for("cannot load the ATT&CK bundle");
    let _ = stdin.write_all(&lsp_frames(&[
        r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#.to_string()
    ]));
    let _ = stdin.flush();
    wait_for("\"id\":2");
    let _ = stdin.write_all(&lsp_frames(&[r#"{"jsonrpc":"2.0","method":"exit"}"#.to_string()]));
    drop(stdin);
    let status = crate::harness::wait(&mut child, &["lsp".to_string()]);
    let _ = reader.join();
    let out = seen
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    assert_eq!(status.code(), Some(0), "{status:?}\n{}", tail(&out, 3000));
    assert!(
        out.contains("cannot load the ATT&CK bundle /dev/zero") && out.contains("512 MiB"),
        "{}",
        tail(&out, 3000)
    );
}
