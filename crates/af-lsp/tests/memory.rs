//! Resident memory with every catalog loaded, a 5,000-line document checked and completed
//! (read from `/proc/self/status`; target under 60 MB). Skipped where `/proc` is missing.

use af_lsp::snapshot::Snapshot;
use std::fmt::Write;

fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[test]
fn resident_memory_stays_under_60_mb() {
    let Some(before) = rss_mb() else {
        println!("skipped: no /proc/self/status on this system");
        return;
    };
    let mut text = String::from(
        "flow \"F\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\n",
    );
    for i in 0..1250 {
        let _ = writeln!(
            text,
            "action a{i} T1566.002 \"Step {i}\" {{\n  tactic: TA0001\n}}"
        );
        if i > 0 {
            let _ = writeln!(text, "a{} -> a{i}", i - 1);
        }
    }
    text.push_str("action last ");
    let snap = Snapshot::with_defaults(&text);
    // Completion touches every catalog: ATT&CK, ATLAS, D3FEND, F3.
    let items = af_lsp::completion::complete(&snap, text.len()).items;
    for prefix in ["AML.", "D3-", "F3."] {
        assert!(
            items.iter().any(|i| i.label.starts_with(prefix)),
            "no {prefix} techniques"
        );
    }
    let symbols = af_lsp::symbols::document_symbols(&snap);
    assert!(!symbols.is_empty());
    let after = rss_mb().unwrap_or(before);
    println!(
        "resident memory: {before:.1} MB at start, {after:.1} MB with all catalogs and a 5,000-line document"
    );
    assert!(after < 60.0, "resident memory {after:.1} MB");
}
