//! Prints the size table of `docs/import.md`: for each flow of the corpus, the Builder's
//! `.afb`, its STIX export, and the `.af` imported from each, in lines and bytes.
//!
//! `cargo run -p af-import --example corpus_table` (needs `shared/`, see `AFC_SHARED`).

use af_import::{import_afb, import_bundle, ImportOptions};
use std::path::Path;

fn size(text: &str) -> (usize, usize) {
    (text.lines().count(), text.len())
}

fn main() {
    let shared = match std::env::var_os("AFC_SHARED") {
        Some(dir) => Path::new(&dir).to_path_buf(),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let stix_dir = shared.join("corpus/stix");
    let Ok(entries) = std::fs::read_dir(&stix_dir) else {
        eprintln!("no corpus at {} (set AFC_SHARED)", stix_dir.display());
        std::process::exit(2);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();
    let options = ImportOptions::default();
    println!("| flow | `.afb` lines | `.afb` bytes | STIX lines | STIX bytes | `.af` from STIX lines | bytes | `.af` from `.afb` lines | bytes |");
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    let mut totals = [0usize; 8];
    for name in names {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let afb = read(&shared.join("corpus/afb").join(format!("{name}.afb")));
        let stix = read(&stix_dir.join(format!("{name}.json")));
        let from_stix = import_bundle(&stix, &options)
            .map(|i| i.source)
            .unwrap_or_default();
        let from_afb = import_afb(&afb, &options).map(|i| i.source).unwrap_or_default();
        let row = [size(&afb), size(&stix), size(&from_stix), size(&from_afb)];
        let cells: Vec<String> = row
            .iter()
            .flat_map(|(l, b)| [l.to_string(), b.to_string()])
            .collect();
        for (t, (l, b)) in totals.chunks_mut(2).zip(row) {
            t[0] += l;
            t[1] += b;
        }
        println!("| {name} | {} |", cells.join(" | "));
    }
    let cells: Vec<String> = totals.iter().map(|n| n.to_string()).collect();
    println!("| **all 28** | {} |", cells.join(" | "));
}
