//! `afc publish` and `afc pull` against a real TAXII 2.1 server: medallion (OASIS's reference
//! server, from PyPI) with its memory backend, started here on 127.0.0.1 with a generated
//! configuration and data file (through `tests/taxii/medallion_run.py`, which works around
//! medallion 3.0.0's failure on `extension-definition` objects). `AFC_MEDALLION_PYTHON` names a Python that has medallion
//! installed (`.ci/run` makes one); without it the test says why it skipped.
//!
//! Publishing the examples and pulling them back gives flows that compile to the same
//! objects; a wrong password, a missing collection, a read-only collection, a server that
//! closes the connection and a 413 each give a clear error and exit 2, and leave `--out-dir`
//! as it was.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "analyst";
const PASSWORD: &str = "correct-horse-battery";
const FLOWS: &str = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

/// A medallion process, stopped when dropped.
struct Medallion {
    child: Child,
    port: u16,
}

impl Drop for Medallion {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn collection(id: &str, title: &str, can_write: bool) -> Value {
    json!({
        "id": id, "title": title, "description": "", "can_read": true, "can_write": can_write,
        "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []
    })
}

fn api_root(title: &str, max_content_length: u64, collections: Vec<Value>) -> Value {
    json!({
        "information": {
            "title": title, "description": "", "versions": ["application/taxii+json;version=2.1"],
            "max_content_length": max_content_length
        },
        "status": [],
        "collections": collections
    })
}

impl Medallion {
    fn start(python: &str, dir: &Path) -> Medallion {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let data = json!({
            "/discovery": {
                "title": "afc test server", "description": "", "contact": "",
                "default": format!("{base}/api1/"),
                "api_roots": [format!("{base}/api1/"), format!("{base}/tiny/")]
            },
            "api1": api_root("Flows", 50 << 20, vec![
                collection(FLOWS, "Attack Flows", true),
                collection("bare", "Flows without reports", true),
                collection("readonly", "Read only", false),
            ]),
            "tiny": api_root("Tiny", 2000, vec![collection("small", "Small requests only", true)]),
        });
        let data_file = dir.join("data.json");
        let config_file = dir.join("config.json");
        let config = json!({
            "backend": {
                "module": "medallion.backends.memory_backend",
                "module_class": "MemoryBackend",
                "filename": data_file.display().to_string()
            },
            "users": {USER: PASSWORD},
            // Small pages, so that pulling follows `more`/`next` for real.
            "taxii": {"max_page_size": 7}
        });
        for (path, value) in [(&data_file, &data), (&config_file, &config)] {
            std::fs::write(path, value.to_string()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let log = std::fs::File::create(dir.join("medallion.log")).unwrap_or_else(|e| panic!("{e}"));
        // medallion's own entry point, with one bug of medallion 3.0.0 worked around (see the
        // script).
        let launcher = af_testkit::workspace_root().join("tests/taxii/medallion_run.py");
        let child = Command::new(python)
            .arg(&launcher)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(&config_file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start medallion with {python}: {e}"));
        let server = Medallion { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "medallion did not start: {}",
                std::fs::read_to_string(dir.join("medallion.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn url(&self, root: &str) -> String {
        format!("http://127.0.0.1:{}/{root}/", self.port)
    }
}

/// A server that accepts connections and closes them without a word (bounded).
fn closing_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            drop(stream);
        }
    });
    port
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs afc with the test's credentials (or others), no proxies and no netrc of the user's.
fn afc(args: &[&str], env: &[(&str, &str)], home: &Path) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("NETRC", home.join("no-netrc"));
    for var in [
        "AFC_ATTACK_BUNDLE",
        "SOURCE_DATE_EPOCH",
        "AFC_TAXII_TOKEN",
        "AFC_TAXII_USER",
        "AFC_TAXII_PASSWORD",
        "AFC_TAXII_URL",
        "AFC_TAXII_COLLECTION",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out: Output = cmd.output().unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    let run = Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains(PASSWORD),
        "the password was echoed: {}",
        run.stderr
    );
    run
}

const AUTH: &[(&str, &str)] = &[("AFC_TAXII_USER", USER), ("AFC_TAXII_PASSWORD", PASSWORD)];

/// The objects of a bundle by id.
fn objects(bundle: &str) -> BTreeMap<String, Value> {
    let v: Value = serde_json::from_str(bundle).unwrap_or_else(|e| panic!("{e}: {bundle}"));
    v["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| (o["id"].as_str().unwrap_or_default().to_string(), o.clone()))
        .collect()
}

fn compile(path: &Path, wrap: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.arg("compile")
        .arg(path)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("AFC_ATTACK_BUNDLE");
    if wrap {
        cmd.args(["--wrap", "report"]);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn flow_id(objects: &BTreeMap<String, Value>) -> String {
    objects
        .values()
        .find(|o| o["type"] == "attack-flow")
        .and_then(|o| o["id"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The names of the entries of a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Pulls `collection` and checks that every example comes back as a file that compiles to
/// the example's objects (the report each was published in is taken off on import).
fn pull_and_compare(server: &Medallion, collection: &str, out: &Path, home: &Path) {
    let run = afc(
        &[
            "pull",
            "--taxii",
            &server.url("api1"),
            "--collection",
            collection,
            "--out-dir",
            &out.display().to_string(),
        ],
        AUTH,
        home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("fetched ") && !run.stderr.contains("belong to no flow"),
        "{}",
        run.stderr
    );
    let examples = af_testkit::example_flows();
    let pulled: Vec<PathBuf> = af_testkit::files_in(out, "af");
    assert_eq!(pulled.len(), examples.len(), "{:?}\n{}", listing(out), run.stderr);
    let mut by_flow: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for p in &pulled {
        let objs = objects(&compile(p, false));
        by_flow.insert(flow_id(&objs), objs);
    }
    for example in &examples {
        let want = objects(&compile(example, false));
        let got = by_flow
            .get(&flow_id(&want))
            .unwrap_or_else(|| panic!("{}: not pulled back", example.display()));
        assert_eq!(
            got,
            &want,
            "{}: pulled flow compiles to other objects",
            example.display()
        );
    }
}

#[test]
fn publish_and_pull_against_medallion() {
    let Ok(python) = std::env::var("AFC_MEDALLION_PYTHON") else {
        println!("skipped: publish_and_pull_against_medallion: AFC_MEDALLION_PYTHON is not set (.ci/run installs medallion from PyPI and sets it)");
        return;
    };
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("taxii-medallion");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{e}"));
    let home = work.join("home");
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    let server = Medallion::start(&python, &work);
    let api1 = server.url("api1");
    let examples: Vec<String> = af_testkit::example_flows()
        .iter()
        .map(|p| p.display().to_string())
        .collect();

    // Publish every example; each flow is reported, and all objects are added.
    let mut args = vec!["publish"];
    args.extend(examples.iter().map(String::as_str));
    args.extend(["--taxii", &api1, "--collection", FLOWS]);
    let run = afc(&args, AUTH, &home);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("published ").count(),
        examples.len(),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("refused"), "{}", run.stderr);

    // Publishing again adds nothing and is no failure.
    let run = afc(
        &["publish", &examples[0], "--taxii", &api1, "--collection", FLOWS],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("0 added") && run.stderr.contains("already in the collection"),
        "{}",
        run.stderr
    );

    // Pull them back (pages of 7 objects): the same objects, flow by flow.
    let out = work.join("pulled");
    pull_and_compare(&server, FLOWS, &out, &home);
    // Pulling again rewrites nothing.
    let before: Vec<_> = af_testkit::files_in(&out, "af")
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect();
    let run = afc(
        &[
            "pull",
            "--taxii",
            &api1,
            "--collection",
            FLOWS,
            "--out-dir",
            &out.display().to_string(),
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("were up to date") && !run.stderr.contains("wrote "),
        "{}",
        run.stderr
    );
    let after: Vec<_> = af_testkit::files_in(&out, "af")
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect();
    assert_eq!(before, after);

    // A pulled file edited by hand is kept (exit 1, named) unless --force.
    let edited = af_testkit::files_in(&out, "af")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("nothing pulled"));
    let pulled_text = std::fs::read_to_string(&edited).unwrap_or_default();
    let mine = format!("# my notes\n{pulled_text}");
    std::fs::write(&edited, &mine).unwrap_or_else(|e| panic!("{e}"));
    let pull_again = |force: bool| {
        let out_arg = out.display().to_string();
        let mut args = vec![
            "pull",
            "--taxii",
            &api1,
            "--collection",
            FLOWS,
            "--out-dir",
            &out_arg,
        ];
        if force {
            args.push("--force");
        }
        afc(&args, AUTH, &home)
    };
    let run = pull_again(false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped") && run.stderr.contains("--force replaces"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&edited).unwrap_or_default(), mine);
    let run = pull_again(true);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&edited).unwrap_or_default(), pulled_text);

    // Credentials from a netrc file work as well.
    let netrc = home.join("netrc");
    std::fs::write(
        &netrc,
        format!("machine 127.0.0.1\n  login {USER}\n  password {PASSWORD}\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let netrc_env = netrc.display().to_string();
    let out_netrc = work.join("pulled-netrc");
    let run = afc(
        &[
            "pull",
            "--taxii",
            &api1,
            "--collection",
            FLOWS,
            "--out-dir",
            &out_netrc.display().to_string(),
        ],
        &[("NETRC", &netrc_env)],
        &home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(listing(&out_netrc), listing(&out));

    // Nothing added after a time in the future: nothing to write.
    let out_none = work.join("pulled-none");
    let run = afc(
        &[
            "pull",
            "--taxii",
            &api1,
            "--collection",
            FLOWS,
            "--out-dir",
            &out_none.display().to_string(),
            "--added-after",
            "2999-01-01T00:00:00Z",
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was added"), "{}", run.stderr);
    assert!(!out_none.exists());
    // Everything was added after 2000: every flow is written.
    let out_all = work.join("pulled-since");
    let run = afc(
        &[
            "pull",
            "--taxii",
            &api1,
            "--collection",
            FLOWS,
            "--out-dir",
            &out_all.display().to_string(),
            "--added-after",
            "2000-01-01T00:00:00Z",
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(listing(&out_all), listing(&out));

    // Published bare (`--wrap none`), the flows come back with every object that something
    // connects to the flow; the rest (context such as a threat actor and its victim) is
    // reported as belonging to no flow.
    let mut args = vec!["publish"];
    args.extend(examples.iter().map(String::as_str));
    args.extend(["--wrap", "none", "--taxii", &api1, "--collection", "bare"]);
    let run = afc(&args, AUTH, &home);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let bare = work.join("pulled-bare");
    let run = afc(
        &[
            "pull",
            "--taxii",
            &api1,
            "--collection",
            "bare",
            "--out-dir",
            &bare.display().to_string(),
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut missing = 0;
    for example in af_testkit::example_flows() {
        let want = objects(&compile(&example, false));
        let pulled = af_testkit::files_in(&bare, "af")
            .iter()
            .map(|p| objects(&compile(p, false)))
            .find(|o| flow_id(o) == flow_id(&want))
            .unwrap_or_else(|| panic!("{}: not pulled back", example.display()));
        for (id, o) in &pulled {
            assert_eq!(Some(o), want.get(id), "{}: {id}", example.display());
        }
        missing += want.len() - pulled.len();
    }
    assert!(
        missing > 0,
        "the examples have context objects that nothing connects to the flow"
    );
    assert!(
        run.stderr
            .contains(&format!("note: {missing} objects belong to no flow")),
        "{missing}: {}",
        run.stderr
    );

    // Failures: a clear message, exit 2, and the output folder as it was.
    let keep = work.join("keep");
    std::fs::create_dir_all(&keep).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(keep.join("mine.af"), "# my own file\n").unwrap_or_else(|e| panic!("{e}"));
    let keep_arg = keep.display().to_string();
    let pull = |url: &str, collection: &str, env: &[(&str, &str)]| {
        afc(
            &[
                "pull",
                "--taxii",
                url,
                "--collection",
                collection,
                "--out-dir",
                &keep_arg,
                "--retries",
                "1",
            ],
            env,
            &home,
        )
    };
    let untouched = || {
        assert_eq!(listing(&keep), ["mine.af"]);
        assert_eq!(
            std::fs::read_to_string(keep.join("mine.af")).unwrap_or_default(),
            "# my own file\n"
        );
    };

    let run = pull(
        &api1,
        FLOWS,
        &[("AFC_TAXII_USER", USER), ("AFC_TAXII_PASSWORD", "wrong")],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("401 Unauthorized")
            && run
                .stderr
                .contains("refused the credentials from AFC_TAXII_USER and AFC_TAXII_PASSWORD"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("wrong"), "{}", run.stderr);
    untouched();

    let run = pull(&api1, FLOWS, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("the server wants credentials"),
        "{}",
        run.stderr
    );
    untouched();

    let run = pull(&api1, "no-such-collection", AUTH);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("404 Not Found: no collection `no-such-collection`")
            && run.stderr.contains(FLOWS),
        "{}",
        run.stderr
    );
    untouched();

    let run = pull(&server.url("nope"), FLOWS, AUTH);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("404 Not Found: no TAXII API root"),
        "{}",
        run.stderr
    );
    untouched();

    let discovery = format!("http://127.0.0.1:{}/taxii2/", server.port);
    let run = pull(&discovery, FLOWS, AUTH);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("discovery resource") && run.stderr.contains(&api1),
        "{}",
        run.stderr
    );
    untouched();

    let closing = format!("http://127.0.0.1:{}/api1/", closing_server());
    let run = pull(&closing, FLOWS, AUTH);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("closed the connection") && run.stderr.contains("after 2 tries"),
        "{}",
        run.stderr
    );
    untouched();
    let run = afc(
        &[
            "publish",
            &examples[0],
            "--taxii",
            &closing,
            "--collection",
            FLOWS,
            "--retries",
            "0",
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("closed the connection") && run.stderr.contains("nothing was published"),
        "{}",
        run.stderr
    );

    let run = afc(
        &[
            "publish",
            &examples[0],
            "--taxii",
            &api1,
            "--collection",
            "readonly",
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("may not add to it"), "{}", run.stderr);

    let run = afc(
        &[
            "publish",
            &examples[0],
            "--taxii",
            &server.url("tiny"),
            "--collection",
            "small",
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("413 Payload Too Large") && run.stderr.contains("at most 2000 bytes"),
        "{}",
        run.stderr
    );

    let run = afc(
        &[
            "publish",
            &examples[0],
            "--taxii",
            "ftp://127.0.0.1/",
            "--collection",
            FLOWS,
        ],
        AUTH,
        &home,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = afc(
        &[
            "publish",
            &examples[0],
            "--taxii",
            &format!("http://{USER}:{PASSWORD}@127.0.0.1:{}/api1/", server.port),
            "--collection",
            FLOWS,
        ],
        &[],
        &home,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("credentials in the URL are refused"),
        "{}",
        run.stderr
    );
}
