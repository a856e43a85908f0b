//! Glob patterns in command-line arguments, for shells and CI steps that pass them quoted:
//! `*` (any characters within one path component), `?` (one character), `[abc]` / `[a-z]` /
//! `[!abc]` (one character of a set) and `**` (any number of directories, including none).
//! Hidden entries (starting with `.`) match only a pattern component that starts with `.`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Whether an argument is a pattern rather than a plain path.
pub fn is_pattern(arg: &str) -> bool {
    arg.contains(['*', '?', '['])
}

/// The paths (files and directories) that match `pattern`, sorted.
pub fn expand(pattern: &str) -> std::io::Result<Vec<PathBuf>> {
    let normalized = pattern.replace('\\', "/");
    let (root, rest) = match normalized.strip_prefix('/') {
        Some(rest) => (PathBuf::from("/"), rest),
        None => (PathBuf::new(), normalized.as_str()),
    };
    let mut components: Vec<&str> = rest.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    // `**/**` means what `**` means; repeated, it would only multiply the work.
    components.dedup_by(|a, b| *a == "**" && *b == "**");
    let mut out = Vec::new();
    walk(&root, &components, &mut out, &mut HashSet::new())?;
    out.sort();
    out.dedup();
    Ok(out)
}

fn readable(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// Entries of a directory: (name, path, is a real directory). Unreadable directories are
/// skipped below the first level, as `find` does.
fn entries(dir: &Path) -> Vec<(String, PathBuf, bool)> {
    let Ok(read) = std::fs::read_dir(readable(dir)) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf, bool)> = read
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            // file_type() does not follow symbolic links, so `**` cannot loop.
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (name.clone(), dir.join(&name), is_dir)
        })
        .collect();
    out.sort();
    out
}

/// Matches `components` below `dir`. `done` holds the (directory, components left) pairs
/// already walked: with several `**` in a pattern, many paths lead to the same pair, and each
/// is walked once.
fn walk(
    dir: &Path,
    components: &[&str],
    out: &mut Vec<PathBuf>,
    done: &mut HashSet<(PathBuf, usize)>,
) -> std::io::Result<()> {
    if !done.insert((dir.to_path_buf(), components.len())) {
        return Ok(());
    }
    let Some((first, rest)) = components.split_first() else {
        if !dir.as_os_str().is_empty() {
            out.push(dir.to_path_buf());
        }
        return Ok(());
    };
    if *first == "**" {
        walk(dir, rest, out, done)?;
        for (name, path, is_dir) in entries(dir) {
            if name.starts_with('.') {
                continue;
            }
            if is_dir {
                walk(&path, components, out, done)?;
            } else if rest.is_empty() {
                out.push(path);
            }
        }
        return Ok(());
    }
    if !is_pattern(first) {
        let path = dir.join(first);
        if std::fs::symlink_metadata(readable(&path)).is_ok() {
            walk(&path, rest, out, done)?;
        }
        return Ok(());
    }
    for (name, path, is_dir) in entries(dir) {
        if name.starts_with('.') && !first.starts_with('.') {
            continue;
        }
        if matches(first, &name) && (rest.is_empty() || is_dir) {
            walk(&path, rest, out, done)?;
        }
    }
    Ok(())
}

/// Whether `name` matches one path component pattern (`*`, `?`, `[…]`).
pub fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    // Where to resume after the last `*`: (pattern index after it, name index it matched to).
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi + 1, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(pi + 1),
            Some('[') => match class(&p, pi, n[ni]) {
                Some((true, end)) => Some(end),
                Some((false, _)) => None,
                // An unclosed `[` is an ordinary character.
                None => (n[ni] == '[').then_some(pi + 1),
            },
            Some(c) => (*c == n[ni]).then_some(pi + 1),
            None => None,
        };
        match step {
            Some(next) => {
                pi = next;
                ni += 1;
            }
            None => match star {
                Some((after, matched)) => {
                    pi = after;
                    ni = matched + 1;
                    star = Some((after, matched + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Matches `c` against the class starting at `p[start] == '['`: (matched, index after `]`),
/// or `None` when the class is not closed.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negated = matches!(p.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            return Some((found != negated, i + 1));
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|e| *e != ']') {
            let hi = p[i + 2];
            found |= ch <= c && c <= hi;
            i += 3;
        } else {
            found |= ch == c;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_matching() {
        assert!(matches("*.json", "a.json"));
        assert!(matches("*.json", ".json"));
        assert!(!matches("*.json", "a.json.bak"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxbyy"));
        assert!(matches("?.af", "x.af"));
        assert!(!matches("?.af", "xy.af"));
        assert!(matches("[ab]*", "b1"));
        assert!(!matches("[!ab]*", "b1"));
        assert!(matches("flow[0-9]", "flow7"));
        assert!(!matches("flow[0-9]", "flowx"));
        assert!(matches("[", "["));
        assert!(matches("*", "anything"));
        assert!(matches("**", ""));
    }

    #[test]
    fn expands_in_a_tree() {
        let root = std::env::temp_dir().join(format!("afc-glob-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for f in [
            "a.json",
            "b.af",
            "sub/c.json",
            "sub/deep/d.json",
            ".hidden/e.json",
            "sub/f.txt",
        ] {
            let path = root.join(f);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&path, "{}").unwrap_or_else(|e| panic!("{e}"));
        }
        let base = root.to_string_lossy().replace('\\', "/");
        let names = |pattern: &str| -> Vec<String> {
            expand(&format!("{base}/{pattern}"))
                .unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .map(|p| {
                    p.strip_prefix(&root)
                        .unwrap_or(p)
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect()
        };
        assert_eq!(names("*.json"), ["a.json"]);
        assert_eq!(names("**/*.json"), ["a.json", "sub/c.json", "sub/deep/d.json"]);
        assert_eq!(
            names("sub/**"),
            ["sub", "sub/c.json", "sub/deep", "sub/deep/d.json", "sub/f.txt"]
        );
        assert_eq!(names("s?b/*.json"), ["sub/c.json"]);
        assert_eq!(names(".hidden/*.json"), [".hidden/e.json"]);
        assert!(names("nothing/*.json").is_empty());
        // Repeated `**` mean one, and every match comes once.
        let many = format!("{}/*.json", ["**"; 16].join("/"));
        assert_eq!(names(&many), names("**/*.json"));
        assert_eq!(names("**/sub/**/*.json"), ["sub/c.json", "sub/deep/d.json"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
