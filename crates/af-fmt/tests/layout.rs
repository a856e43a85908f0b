//! Snapshots of layouts people see every day: trailing comments that were aligned stay
//! aligned when the code before them changes width, and nodes with one property are laid out
//! alike whether the value is a list or a scalar.

use af_fmt::format_source;

fn fmt(s: &str) -> String {
    let out = format_source(s).unwrap_or_else(|d| panic!("format failed: {d:?}\n{s}"));
    let again = format_source(&out).unwrap_or_else(|d| panic!("second format failed: {d:?}"));
    assert_eq!(out, again, "not idempotent");
    out
}

/// The column of the `#` on each line that has one.
fn comment_columns(text: &str) -> Vec<usize> {
    text.lines()
        .filter_map(|l| l.find(" #").map(|i| l[..i + 1].chars().count()))
        .collect()
}

#[test]
fn aligned_trailing_comments_stay_aligned_when_the_code_grows() {
    // `a->b` and `{tactic:TA0001}` grow when formatted; the comments move right together.
    let src = "\
flow \"F\" { created: 2026-01-01T00:00:00Z }
action a T1566 {tactic:TA0001}     # first step
action bb T1078                    # second step
a->bb                              # the edge
";
    let out = fmt(src);
    let cols = comment_columns(&out);
    assert_eq!(cols.len(), 3, "{out}");
    assert!(cols.iter().all(|&c| c == cols[0]), "not aligned:\n{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn aligned_comments_in_blocks_stay_aligned_and_unaligned_ones_keep_their_spacing() {
    let src = "\
action a {
      confidence: 80            # from the logs
      execution_start: 2026-01-05T01:12:00Z   # first beacon
      execution_end: 2026-01-05T03:00:00Z     # last beacon
}
action b T1078 # alone
action c T1078   # alone too, further out
";
    let out = fmt(src);
    let lines: Vec<&str> = out.lines().collect();
    let col = |l: &str| l.find('#');
    assert_eq!(col(lines[2]), col(lines[3]), "{out}");
    assert!(out.contains("action b T1078 # alone\n"), "{out}");
    assert!(out.contains("action c T1078   # alone too"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn neighbouring_nodes_with_one_property_are_laid_out_alike() {
    let src = "\
action a T1566 { tactic: TA0001 }
action b T1078 {
  asset_refs: [laptop]
}
action c T1078 {
  asset_refs: [laptop, server]
}
asset laptop \"Laptop\" { object_ref: ip }
asset server \"Server\" {
  description: \"d\"
  object_ref: ip
}
";
    let out = fmt(src);
    assert!(out.contains("action b T1078 { asset_refs: [laptop] }\n"), "{out}");
    assert!(
        out.contains("action c T1078 { asset_refs: [laptop, server] }\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn one_property_blocks_still_break_when_too_long_or_holding_maps() {
    let names: Vec<String> = (0..12).map(|i| format!("asset_number_{i}")).collect();
    let src = format!(
        "action a T1566 {{ asset_refs: [{}] }}\nfile f {{ hashes: {{ MD5: \"00\" }} }}\nflow \"F\" {{ external_references: [{{ source_name: \"x\" }}] }}\n",
        names.join(", ")
    );
    let out = fmt(&src);
    insta::assert_snapshot!(out);
}
