//! Parses real flows with the tree-sitter grammar and holds it to the compiler's parser:
//! every example, every compiler test flow, the corpus inputs and (when `AFC_IMPORTED_DIR` is
//! set) every imported flow must parse without `ERROR` or `MISSING` nodes, into the same
//! statements, properties and value shapes as `af_syntax::parse` finds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tree_sitter::{Node, Parser, Tree};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parse(source: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_attackflow::LANGUAGE.into())
        .expect("the generated parser's ABI is supported by the tree-sitter crate");
    parser
        .parse(source, None)
        .expect("parsing without a timeout or cancellation always gives a tree")
}

/// Every `ERROR` and `MISSING` node as `path:line:column: what`, with the source line.
fn syntax_problems(name: &str, source: &str, tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            let what = if node.is_missing() {
                format!("MISSING {}", node.kind())
            } else {
                let text = &source[node.byte_range()];
                let short: String = text.chars().take(40).collect();
                format!("ERROR at {short:?}")
            };
            let line = source.lines().nth(p.row).unwrap_or("");
            out.push(format!(
                "{name}:{}:{}: {what}\n    | {line}",
                p.row + 1,
                p.column + 1
            ));
            continue;
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    out.sort();
    out
}

fn af_files(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if recursive {
                af_files(&path, true, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "af") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Parses each file, checks it against af-syntax, and returns every problem found.
fn check_files(files: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        problems.extend(check_source(&name, &source));
    }
    problems
}

/// Codes of the problems afc finds while parsing that tree-sitter reports as syntax errors too.
/// Not included: E0005 (nesting deeper than afc's limit) and E0011 (names afc reserves or
/// rejects), which the grammar accepts.
fn is_syntax_code(code: &str) -> bool {
    matches!(code, "E0001" | "E0002" | "E0003" | "E0004" | "E0006" | "E0010")
}

fn check_source(name: &str, source: &str) -> Vec<String> {
    let tree = parse(source);
    let mut problems = syntax_problems(name, source, &tree);
    if !problems.is_empty() {
        return problems;
    }
    let parsed = af_syntax::parse(source);
    let syntax_errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| is_syntax_code(d.code))
        .collect();
    if !syntax_errors.is_empty() {
        // Both parsers must agree that the text is well formed.
        problems.push(format!(
            "{name}: tree-sitter accepts it but afc reports {}",
            syntax_errors
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        return problems;
    }
    if parsed.diagnostics.iter().any(|d| d.code == "E0005") {
        // afc drops a value nested past its limit, so the statements cannot be compared.
        return problems;
    }
    let expected = summarize_ast(&parsed.file);
    let got = summarize_tree(tree.root_node(), source);
    if expected != got {
        let mut msg = format!("{name}: tree-sitter and afc read different statements\n");
        for (i, (e, g)) in expected.iter().zip(got.iter()).enumerate() {
            if e != g {
                let _ = write!(
                    msg,
                    "  statement {i}:\n    afc:         {e}\n    tree-sitter: {g}\n"
                );
                break;
            }
        }
        if expected.len() != got.len() {
            let _ = write!(
                msg,
                "  afc found {} statements, tree-sitter {}",
                expected.len(),
                got.len()
            );
        }
        problems.push(msg);
    }
    problems
}

// ---- One line per statement, built from af-syntax's AST ------------------------------------

fn summarize_ast(file: &af_syntax::File) -> Vec<String> {
    use af_syntax::Item;
    file.items
        .iter()
        .map(|item| match item {
            Item::Flow(f) => format!("flow title={} {}", f.title.is_some(), ast_block(f.body.as_ref())),
            Item::Node(n) => format!(
                "node {} {} {} title={} {}",
                n.kind.text,
                n.name.as_ref().map_or("-", |i| i.text.as_str()),
                n.word.as_ref().map_or("-", |i| i.text.as_str()),
                n.title.is_some(),
                ast_block(n.body.as_ref())
            ),
            Item::Edge(e) => {
                let mut s = String::from("edge");
                for (i, group) in e.groups.iter().enumerate() {
                    if i > 0 {
                        let label = e.arrows[i - 1].label.as_ref().map_or("", |l| l.text.as_str());
                        let _ = write!(s, " -[{label}]->");
                    }
                    let names: Vec<&str> = group.iter().map(|n| n.text.as_str()).collect();
                    let _ = write!(s, " {}", names.join(","));
                }
                format!("{s} {}", ast_block(e.body.as_ref()))
            }
        })
        .collect()
}

fn ast_block(b: Option<&af_syntax::Block>) -> String {
    let Some(b) = b else {
        return "-".into();
    };
    let props: Vec<String> = b
        .entries
        .iter()
        .map(|p| {
            let v = p.value.as_ref().map_or("?".into(), ast_value);
            format!("{}:{v}", p.key.text)
        })
        .collect();
    format!("{{{}}}", props.join(" "))
}

fn ast_value(v: &af_syntax::Value) -> String {
    use af_syntax::ValueKind as K;
    match &v.kind {
        K::Str(s) if s.multiline => "S".into(),
        K::Str(_) => "s".into(),
        K::Int(_) => "i".into(),
        K::Float(_) => "f".into(),
        K::Bool(b) => format!("b{b}"),
        K::Timestamp(_) => "t".into(),
        K::Word(w) => format!("w:{w}"),
        K::List(items) => format!("[{}]", items.iter().map(ast_value).collect::<Vec<_>>().join(",")),
        K::Map(b) => ast_block(Some(b)),
        K::Titled(inner, b) => format!("{}{}", ast_value(inner), ast_block(Some(b))),
        K::Error => "?".into(),
    }
}

// ---- The same lines from the tree-sitter tree ------------------------------------------------

fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

fn field_text<'s>(node: Node<'_>, field: &str, source: &'s str) -> &'s str {
    node.child_by_field_name(field).map_or("-", |n| text(n, source))
}

fn summarize_tree(root: Node<'_>, source: &str) -> Vec<String> {
    named_children(root)
        .into_iter()
        .map(|stmt| {
            let body = ts_block(stmt.child_by_field_name("body"), source);
            match stmt.kind() {
                "flow_declaration" => format!(
                    "flow title={} {body}",
                    stmt.child_by_field_name("title").is_some()
                ),
                "node_declaration" => format!(
                    "node {} {} {} title={} {body}",
                    field_text(stmt, "kind", source),
                    field_text(stmt, "name", source),
                    field_text(stmt, "argument", source),
                    stmt.child_by_field_name("title").is_some()
                ),
                "edge_statement" => {
                    let mut s = String::from("edge");
                    for part in named_children(stmt) {
                        match part.kind() {
                            "node_group" => {
                                let names: Vec<&str> = named_children(part)
                                    .into_iter()
                                    .map(|n| text(n, source))
                                    .collect();
                                let _ = write!(s, " {}", names.join(","));
                            }
                            "arrow" => {
                                let label = part.child_by_field_name("label").map_or("", |l| text(l, source));
                                let _ = write!(s, " -[{label}]->");
                            }
                            _ => {}
                        }
                    }
                    format!("{s} {body}")
                }
                other => format!("unexpected {other}"),
            }
        })
        .collect()
}

fn ts_block(block: Option<Node<'_>>, source: &str) -> String {
    let Some(block) = block else {
        return "-".into();
    };
    let props: Vec<String> = named_children(block)
        .into_iter()
        .map(|p| {
            let key = p.child_by_field_name("key").map_or("?", |k| text(k, source));
            let key = key.trim_matches('"');
            let v = p
                .child_by_field_name("value")
                .map_or("?".into(), |v| ts_value(v, source));
            format!("{key}:{v}")
        })
        .collect();
    format!("{{{}}}", props.join(" "))
}

fn ts_value(v: Node<'_>, source: &str) -> String {
    match v.kind() {
        "string" => "s".into(),
        "multiline_string" => "S".into(),
        "integer" => "i".into(),
        "float" => "f".into(),
        "boolean" => format!("b{}", text(v, source)),
        "timestamp" => "t".into(),
        "identifier" => format!("w:{}", text(v, source)),
        "list" => format!(
            "[{}]",
            named_children(v)
                .into_iter()
                .map(|c| ts_value(c, source))
                .collect::<Vec<_>>()
                .join(",")
        ),
        "block" => ts_block(Some(v), source),
        "titled_value" => format!(
            "{}{}",
            v.child_by_field_name("value")
                .map_or("?".into(), |c| ts_value(c, source)),
            ts_block(v.child_by_field_name("body"), source)
        ),
        other => format!("<{other}>"),
    }
}

// ---- The corpus of `tree-sitter test` --------------------------------------------------------

/// `(name, input, expects_error)` of every test in `test/corpus/*.txt`.
fn corpus_inputs() -> Vec<(String, String, bool)> {
    let dir = repo_root().join("grammar/tree-sitter-attackflow/test/corpus");
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let is_rule = |l: &str, c: char| l.len() >= 3 && l.chars().all(|x| x == c);
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if !is_rule(lines[i], '=') {
                i += 1;
                continue;
            }
            let mut header = Vec::new();
            i += 1;
            while i < lines.len() && !is_rule(lines[i], '=') {
                header.push(lines[i]);
                i += 1;
            }
            i += 1;
            let mut input = Vec::new();
            while i < lines.len() && !is_rule(lines[i], '-') {
                input.push(lines[i]);
                i += 1;
            }
            let name = format!(
                "{}: {}",
                file.file_name().map_or("".into(), |n| n.to_string_lossy()),
                header.first().copied().unwrap_or("")
            );
            let expects_error = header.iter().any(|h| h.trim() == ":error");
            out.push((name, input.join("\n").trim().to_string(), expects_error));
        }
    }
    out
}

// ---- Tests -----------------------------------------------------------------------------------

#[test]
fn examples_and_compiler_flows_parse_like_afc_reads_them() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["examples", "crates/af-compile/tests/flows"] {
        af_files(&root.join(dir), false, &mut files).unwrap_or_else(|e| panic!("cannot list {dir}: {e}"));
    }
    assert!(files.len() >= 2, "expected example flows, found {}", files.len());
    let problems = check_files(&files);
    assert!(
        problems.is_empty(),
        "{} of {} flows do not parse cleanly:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}

#[test]
fn imported_flows_parse_like_afc_reads_them() {
    let Some(dir) = std::env::var_os("AFC_IMPORTED_DIR") else {
        println!("skipped: AFC_IMPORTED_DIR is not set (a directory of imported .af flows)");
        return;
    };
    let dir = PathBuf::from(dir);
    let mut files = Vec::new();
    af_files(&dir, true, &mut files)
        .unwrap_or_else(|e| panic!("cannot list AFC_IMPORTED_DIR={}: {e}", dir.display()));
    assert!(
        !files.is_empty(),
        "AFC_IMPORTED_DIR={} holds no .af files",
        dir.display()
    );
    let problems = check_files(&files);
    assert!(
        problems.is_empty(),
        "{} of {} imported flows do not parse cleanly:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}

#[test]
fn corpus_inputs_agree_with_afc() {
    let inputs = corpus_inputs();
    assert!(inputs.len() >= 20, "found only {} corpus tests", inputs.len());
    let mut problems = Vec::new();
    for (name, input, expects_error) in &inputs {
        if *expects_error {
            let tree = parse(input);
            if syntax_problems(name, input, &tree).is_empty() {
                problems.push(format!("{name}: expected a syntax error, the tree has none"));
            }
            let afc_errors = af_syntax::parse(input)
                .diagnostics
                .iter()
                .filter(|d| d.severity == af_diagnostics::Severity::Error)
                .count();
            if afc_errors == 0 {
                problems.push(format!("{name}: afc finds no error in it either"));
            }
        } else {
            problems.extend(check_source(name, input));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn problems_are_reported_with_their_location() {
    let source = "flow \"x\"\nnote n { a: 1 b: 2 }\na ->\n";
    let problems = syntax_problems("t.af", source, &parse(source));
    assert!(!problems.is_empty());
    assert!(problems.iter().any(|p| p.starts_with("t.af:2:")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains("| note n { a: 1 b: 2 }")),
        "{problems:?}"
    );
}

#[test]
fn a_different_reading_is_reported() {
    // The tree-sitter side of the comparison must notice when the statements differ.
    let tree = parse("a -> b\nc -> d\n");
    let got = summarize_tree(tree.root_node(), "a -> b\nc -> d\n");
    let expected = summarize_ast(&af_syntax::parse("a -> b -> c -> d\n").file);
    assert_ne!(got, expected);
    assert_eq!(got, vec!["edge a -[]-> b -", "edge c -[]-> d -"]);
}

#[test]
fn crlf_line_endings_parse() {
    let source = "flow \"x\" {\r\n  scope: incident\r\n}\r\na -> b\r\n  -> c\r\n";
    assert!(check_source("crlf.af", source).is_empty());
    assert_eq!(
        summarize_tree(parse(source).root_node(), source),
        vec!["flow title=true {scope:w:incident}", "edge a -[]-> b -[]-> c -"]
    );
}

#[test]
fn diagnostic_fixtures_are_judged_like_afc_judges_them() {
    // The compiler's diagnostic fixtures are mostly well-formed text with semantic mistakes,
    // and a few syntax errors: tree-sitter must accept the first kind exactly as afc reads it
    // and find an error in the second.
    let root = repo_root();
    let mut files = Vec::new();
    for dir in [
        "crates/af-compile/tests/diagnostics",
        "crates/af-syntax/tests/fixtures",
    ] {
        let path = root.join(dir);
        if path.is_dir() {
            af_files(&path, true, &mut files).unwrap_or_else(|e| panic!("cannot list {dir}: {e}"));
        }
    }
    if files.is_empty() {
        println!("skipped: no diagnostic fixtures found");
        return;
    }
    let mut problems = Vec::new();
    let (mut clean, mut broken) = (0, 0);
    for file in &files {
        let name = file.display().to_string();
        let Ok(source) = std::fs::read_to_string(file) else {
            problems.push(format!("{name}: cannot read"));
            continue;
        };
        let syntax_error = af_syntax::parse(&source)
            .diagnostics
            .iter()
            .any(|d| is_syntax_code(d.code));
        if syntax_error {
            broken += 1;
            if syntax_problems(&name, &source, &parse(&source)).is_empty() {
                problems.push(format!("{name}: afc finds a syntax error, tree-sitter none"));
            }
        } else {
            clean += 1;
            problems.extend(check_source(&name, &source));
        }
    }
    println!("{clean} well-formed and {broken} malformed fixtures checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn line_breaks_where_the_language_allows_them_change_nothing() {
    // Line breaks (with blank and comment lines) are inserted after `,` `->` `-[` `:` `{` and
    // before `->` `-[` `{`, where the language says a line continues. afc and tree-sitter must
    // both still read the original statements.
    use af_syntax::lexer::{lex, Token};
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["examples", "crates/af-compile/tests/flows"] {
        af_files(&root.join(dir), false, &mut files).unwrap_or_else(|e| panic!("{dir}: {e}"));
    }
    let breaks = ["\n", "\n\n  ", "\n  # a comment line\n  ", "\r\n    "];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut problems = Vec::new();
    let mut variants = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).expect("readable flow");
        let expected = summarize_ast(&af_syntax::parse(&source).file);
        let (tokens, _) = lex(&source);
        for round in 0..4 {
            let mut inserts: Vec<(usize, &str)> = Vec::new();
            for (tok, span) in &tokens {
                let after = matches!(
                    tok,
                    Token::Comma | Token::Arrow | Token::LabelOpen | Token::Colon | Token::LBrace
                );
                let before = matches!(tok, Token::Arrow | Token::LabelOpen | Token::LBrace);
                if after && rng.next().is_multiple_of(3) {
                    inserts.push((span.end, breaks[(rng.next() % 4) as usize]));
                }
                if before && rng.next().is_multiple_of(3) {
                    inserts.push((span.start, breaks[(rng.next() % 4) as usize]));
                }
            }
            inserts.sort_by_key(|(at, _)| *at);
            let mut variant = String::with_capacity(source.len() + inserts.len() * 8);
            let mut last = 0;
            for (at, text) in &inserts {
                variant.push_str(&source[last..*at]);
                variant.push_str(text);
                last = *at;
            }
            variant.push_str(&source[last..]);
            variants += 1;
            let name = format!("{} (variant {round})", file.display());
            let afc = summarize_ast(&af_syntax::parse(&variant).file);
            if afc != expected {
                problems.push(format!("{name}: afc reads the variant differently"));
                continue;
            }
            let tree = parse(&variant);
            let mut found = syntax_problems(&name, &variant, &tree);
            if found.is_empty() && summarize_tree(tree.root_node(), &variant) != expected {
                found.push(format!("{name}: tree-sitter reads the variant differently"));
            }
            if let Some(first) = found.first() {
                problems.push(format!("{first}\n--- variant ---\n{variant}"));
            }
        }
    }
    assert!(variants > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
