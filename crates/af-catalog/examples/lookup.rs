//! Looks up ids, searches names, and shows did-you-mean suggestions against the embedded
//! catalog: `cargo run -p af-catalog --example lookup -- T1073 phish T1566.01`.

use af_catalog::Catalog;

fn main() {
    let cat = Catalog::embedded();
    for arg in std::env::args().skip(1) {
        if let Some(t) = cat.technique(&arg) {
            println!("{} {} [{}] {}", t.id, t.full_name(), t.catalog, t.status);
            println!("  tactics {:?} (v18.1 {:?})", t.tactics, t.tactics_v18);
            println!("  stix {:?} url {:?}", t.stix_id, t.url());
            if let Some(now) = cat.resolve(&arg).filter(|n| n.id != t.id) {
                println!("  current: {} {}", now.id, now.full_name());
            }
            continue;
        }
        let hits = cat.search(&arg, &[], 10);
        if hits.is_empty() {
            println!("{arg}: not found; did you mean:");
            for t in cat.suggest(&arg) {
                println!("  {} {}", t.id, t.full_name());
            }
        } else {
            println!("{arg}: search results:");
            for t in hits {
                println!("  {} {} ({})", t.id, t.full_name(), t.status);
            }
        }
    }
}
