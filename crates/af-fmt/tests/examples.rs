//! Formatting the example flows: idempotent, and the compiled bundle does not change.

use af_compile::{compile_str, Options};
use std::path::Path;

fn examples() -> Vec<std::path::PathBuf> {
    af_testkit::example_flows()
}

#[test]
fn examples_format_idempotently_without_changing_meaning() {
    let files = examples();
    assert!(!files.is_empty(), "no examples found");
    let options = Options::default();
    for path in files {
        let source = std::fs::read_to_string(&path).expect("readable example");
        let once = af_fmt::format_source(&source).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        if let Ok(dir) = std::env::var("AF_FMT_DUMP") {
            let name = path.file_name().expect("file name");
            std::fs::write(Path::new(&dir).join(name), &once).expect("dump");
        }
        let twice = af_fmt::format_source(&once).expect("formatted text formats");
        assert_eq!(once, twice, "{}: not idempotent", path.display());
        let before = compile_str(&source, &options);
        let after = compile_str(&once, &options);
        assert!(!before.has_errors(), "{}: example has errors", path.display());
        assert_eq!(
            before.to_json(),
            after.to_json(),
            "{}: meaning changed",
            path.display()
        );
        let codes = |c: &af_compile::Compiled| c.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>();
        assert_eq!(
            codes(&before),
            codes(&after),
            "{}: diagnostics changed",
            path.display()
        );
        let comments = |s: &str| af_syntax::parse(s).file.comments.len();
        assert_eq!(
            comments(&source),
            comments(&once),
            "{}: comments lost",
            path.display()
        );
    }
}
