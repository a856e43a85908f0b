//! The project's address lives in one place: `repository` in the workspace `Cargo.toml`.
//! Rust code reads it at build time; files that cannot (the VS Code manifest, the tree-sitter
//! metadata, docs, snapshots) hold copies, and this test keeps them equal to it.
//!
//! After a fork changes `repository`, this test fails and names every file that still holds
//! the old address; `AFC_UPDATE_ADDRESS=1 cargo test -p afc --test address` rewrites them
//! (the full address everywhere, and the GitHub `owner/name` when both addresses are on
//! GitHub, as in `uses: owner/name@v0`).

use std::path::{Path, PathBuf};

/// The address every copy must equal.
const ADDRESS: &str = env!("CARGO_PKG_REPOSITORY");

/// Files that hold the address in a known field, as (file, JSON pointer).
const SLOTS: &[(&str, &str)] = &[
    ("editors/vscode/package.json", "/repository/url"),
    ("editors/vscode/package.json", "/homepage"),
    ("editors/vscode/package.json", "/bugs/url"),
    (
        "grammar/tree-sitter-attackflow/tree-sitter.json",
        "/metadata/links/repository",
    ),
];

/// What a field holds: the address, or the address followed by a path (`…/issues`).
fn address_in(value: &str) -> Option<&str> {
    ["/issues", ""]
        .iter()
        .find_map(|suffix| value.strip_suffix(suffix))
        .filter(|v| !v.is_empty())
}

fn slot_values(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (file, pointer) in SLOTS {
        let path = root.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
        let value = json
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{file} has no string at {pointer}"));
        out.push((format!("{file} {pointer}"), value.to_string()));
    }
    out
}

/// `owner/name` of a GitHub address.
fn github_slug(address: &str) -> Option<&str> {
    address
        .strip_prefix("https://github.com/")
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| s.split('/').count() == 2)
}

/// The GitHub Pages address of a GitHub repository (where the playground is published).
fn github_pages(address: &str) -> Option<String> {
    let (owner, name) = github_slug(address)?.split_once('/')?;
    Some(format!(
        "https://{}.github.io/{name}/",
        owner.to_ascii_lowercase()
    ))
}

/// Every text file of the repository (no build output, dependencies or git internals).
fn text_files(root: &Path) -> Vec<PathBuf> {
    const SKIP: &[&str] = &[
        "target",
        "node_modules",
        ".git",
        "dist",
        "out",
        "artifacts",
        "corpus",
    ];
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() && !SKIP.contains(&name.as_str()) {
                stack.push(path);
            } else if kind.is_file() && entry.metadata().is_ok_and(|m| m.len() < 4_000_000) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_copy_of_the_address_is_the_workspace_setting() {
    let root = af_testkit::workspace_root();
    assert!(
        ADDRESS.starts_with("https://") && !ADDRESS.ends_with('/'),
        "`repository` in Cargo.toml must be an https address without a trailing slash: {ADDRESS:?}"
    );
    assert!(
        !ADDRESS.contains("example.invalid"),
        "Cargo.toml still has the placeholder address"
    );
    let slots = slot_values(&root);
    assert_eq!(slots.len(), SLOTS.len(), "a file holding the address is missing");

    // The old address: what the copies say when they differ from the setting.
    let stale: Vec<&(String, String)> = slots
        .iter()
        .filter(|(_, v)| address_in(v) != Some(ADDRESS))
        .collect();
    let Some((_, old)) = stale.first() else {
        return;
    };
    let old = address_in(old).unwrap_or(old.as_str()).to_string();
    let mut replacements = vec![(old.clone(), ADDRESS.to_string())];
    if let (Some(a), Some(b)) = (github_pages(&old), github_pages(ADDRESS)) {
        replacements.push((a, b));
    }
    if let (Some(a), Some(b)) = (github_slug(&old), github_slug(ADDRESS)) {
        replacements.push((a.to_string(), b.to_string()));
    }
    let mut holders = Vec::new();
    for file in text_files(&root) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if !replacements.iter().any(|(from, _)| text.contains(from.as_str())) {
            continue;
        }
        holders.push(file.strip_prefix(&root).unwrap_or(&file).display().to_string());
        if std::env::var_os("AFC_UPDATE_ADDRESS").is_some() {
            let mut new = text.clone();
            for (from, to) in &replacements {
                new = new.replace(from.as_str(), to);
            }
            std::fs::write(&file, new).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
    }
    if std::env::var_os("AFC_UPDATE_ADDRESS").is_some() {
        eprintln!("rewrote {old} to {ADDRESS} in:\n  {}", holders.join("\n  "));
        return;
    }
    panic!(
        "The project address in Cargo.toml is {ADDRESS}, but {} other files still say {old}:\n  {}\n\
         Run `AFC_UPDATE_ADDRESS=1 cargo test -p afc --test address` to rewrite them.",
        holders.len(),
        holders.join("\n  ")
    );
}

/// The README links the playground on the repository's GitHub Pages site.
#[test]
fn the_playground_link_follows_the_address() {
    let Some(pages) = github_pages(ADDRESS) else {
        return; // not on GitHub: no Pages site to link
    };
    let root = af_testkit::workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("README.md: {e}"));
    assert!(
        readme.contains(&pages),
        "README.md should link the playground at {pages} (`AFC_UPDATE_ADDRESS=1 cargo test -p afc --test address` rewrites an old one)"
    );
    assert_eq!(
        github_pages("https://github.com/Afc-Dev/afc").as_deref(),
        Some("https://afc-dev.github.io/afc/")
    );
}

#[test]
fn slots_recognise_the_address_with_or_without_a_path() {
    assert_eq!(address_in("https://x.test/a/issues"), Some("https://x.test/a"));
    assert_eq!(address_in("https://x.test/a"), Some("https://x.test/a"));
    assert_eq!(github_slug("https://github.com/o/n"), Some("o/n"));
    assert_eq!(github_slug("https://gitlab.com/o/n"), None);
}

/// The version lives in the workspace `Cargo.toml`; the manifests that cannot read it and the
/// copy-paste examples that name a release (`uses: owner/afc@vX.Y.Z`, pre-commit's
/// `rev: vX.Y.Z`) must say the same (docs/development.md, "Releasing").
#[test]
fn versions_follow_the_workspace() {
    const VERSION: &str = env!("CARGO_PKG_VERSION");
    let root = af_testkit::workspace_root();
    let mut wrong = Vec::new();
    for (file, pointer) in [
        ("editors/vscode/package.json", "/version"),
        (
            "grammar/tree-sitter-attackflow/tree-sitter.json",
            "/metadata/version",
        ),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let found = json.pointer(pointer).and_then(|v| v.as_str()).unwrap_or("");
        if found != VERSION {
            wrong.push(format!("{file} {pointer}: {found}"));
        }
    }
    let slug = github_slug(ADDRESS).unwrap_or("afc-dev/afc");
    let uses = format!("{slug}@v");
    let mut examples = 0;
    for file in ["README.md", "docs/ci.md", "docs/install.md"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for (n, line) in text.lines().enumerate() {
            for marker in [uses.as_str(), "rev: v"] {
                if let Some(at) = line.find(marker) {
                    examples += 1;
                    let rest = &line[at + marker.len()..];
                    let named: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .collect();
                    if named != VERSION {
                        wrong.push(format!("{file}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        examples >= 4,
        "the README and docs/ci.md show the Action and the pre-commit hooks"
    );
    assert!(
        wrong.is_empty(),
        "the workspace version is {VERSION}, but these say otherwise:\n  {}",
        wrong.join("\n  ")
    );
}
