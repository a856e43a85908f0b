//! Running the real `afc` binary under bounds the kernel enforces: address space
//! (`ulimit -v`) and CPU time (`ulimit -t`), set in a `sh` that then `exec`s afc. A run that
//! exceeds them is killed by a signal, which every test reports as a failure; nothing here
//! measures speed. A wall-clock guard stops a run that hangs without using CPU.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test: `AFC_BIN` (`.ci/run` sets the release build) or this build's.
pub fn afc_bin() -> PathBuf {
    std::env::var_os("AFC_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_afc")), PathBuf::from)
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a run printed and how it ended.
pub struct Run {
    pub args: Vec<String>,
    /// The exit code; `None` when a signal ended the run.
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// Standard output and error: all of it, or the first and last `keep` bytes.
    pub stdout: String,
    pub stderr: String,
    /// How many bytes were printed in all.
    pub out_total: usize,
    pub err_total: usize,
}

impl Run {
    pub fn show(&self) -> String {
        let cut = |s: &str| {
            if s.len() <= 4000 {
                s.to_string()
            } else {
                let (mut a, mut b) = (2000, s.len() - 2000);
                while !s.is_char_boundary(a) {
                    a -= 1;
                }
                while !s.is_char_boundary(b) {
                    b += 1;
                }
                format!("{} […] {}", &s[..a], &s[b..])
            }
        };
        format!(
            "afc {}\nexit {:?}, signal {:?}\n--- stdout ({} bytes)\n{}\n--- stderr ({} bytes)\n{}",
            self.args.join(" "),
            self.code,
            self.signal,
            self.out_total,
            cut(&self.stdout),
            self.err_total,
            cut(&self.stderr)
        )
    }

    /// Ended with an exit code of its own, printed no panic and no allocation failure.
    pub fn assert_survived(&self) {
        assert!(
            self.code.is_some(),
            "ended by signal {:?} (memory or CPU bound?)\n{}",
            self.signal,
            self.show()
        );
        assert!(
            !self.stderr.contains("panicked at") && !self.stderr.contains("memory allocation of"),
            "{}",
            self.show()
        );
    }
}

/// One run of afc, built up and then [`Afc::run`].
pub struct Afc {
    args: Vec<String>,
    dir: Option<PathBuf>,
    stdin: Option<Vec<u8>>,
    stdin_file: Option<File>,
    stdout: Option<File>,
    stderr: Option<File>,
    memory_mb: u64,
    cpu_seconds: u64,
    keep: usize,
}

/// `afc ARGS` with the default bounds: `AFC_HOSTILE_MEMORY_MB` of address space (default
/// 1024) and `AFC_HOSTILE_CPU` seconds of CPU (default 120, for a debug build on a busy
/// machine).
pub fn afc(args: &[&str]) -> Afc {
    Afc {
        args: args.iter().map(|a| a.to_string()).collect(),
        dir: None,
        stdin: None,
        stdin_file: None,
        stdout: None,
        stderr: None,
        memory_mb: env_number("AFC_HOSTILE_MEMORY_MB", 1024),
        cpu_seconds: env_number("AFC_HOSTILE_CPU", 120),
        keep: 64 << 20,
    }
}

impl Afc {
    pub fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_path_buf());
        self
    }
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }
    /// Standard input comes from `file` (such as `/dev/zero`).
    pub fn stdin_from(mut self, file: File) -> Self {
        self.stdin_file = Some(file);
        self
    }
    /// Standard output goes to `file` (such as `/dev/full`) instead of the test.
    pub fn stdout_to(mut self, file: File) -> Self {
        self.stdout = Some(file);
        self
    }
    pub fn stderr_to(mut self, file: File) -> Self {
        self.stderr = Some(file);
        self
    }
    /// At most this much address space, in MiB.
    pub fn memory_mb(mut self, mb: u64) -> Self {
        self.memory_mb = mb;
        self
    }
    /// Keep only the first and last `bytes` of each stream (the totals count everything).
    pub fn keep(mut self, bytes: usize) -> Self {
        self.keep = bytes;
        self
    }

    /// The bounded command, for tests that talk to afc as it runs (the language server).
    /// Standard input is piped unless [`Afc::stdin_from`] gave a file.
    pub fn command(&mut self) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "ulimit -v {} && ulimit -t {} && exec \"$0\" \"$@\"",
                self.memory_mb * 1024,
                self.cpu_seconds
            ))
            .arg(afc_bin())
            .args(&self.args)
            .env("NO_COLOR", "1")
            // `ulimit -v` bounds address space, and glibc reserves 64 MiB of it for each
            // thread's arena whether used or not: two arenas keep the bound about memory.
            .env("MALLOC_ARENA_MAX", "2")
            .env_remove("AFC_ATTACK_BUNDLE")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(match self.stdin_file.take() {
                Some(file) => Stdio::from(file),
                None => Stdio::piped(),
            })
            .stdout(self.stdout.take().map_or_else(Stdio::piped, Stdio::from))
            .stderr(self.stderr.take().map_or_else(Stdio::piped, Stdio::from));
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    pub fn run(mut self) -> Run {
        let mut cmd = self.command();
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start afc: {e}"));
        // Without bytes to feed, standard input is closed at once (an empty input).
        let bytes = self.stdin.take().unwrap_or_default();
        let feeder = child.stdin.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            })
        });
        let out = child.stdout.take().map(|r| drain(r, self.keep));
        let err = child.stderr.take().map(|r| drain(r, self.keep));
        let status = wait(&mut child, &self.args);
        if let Some(f) = feeder {
            let _ = f.join();
        }
        let collect = |h: Option<std::thread::JoinHandle<(Vec<u8>, usize)>>| {
            h.and_then(|h| h.join().ok())
                .map(|(bytes, n)| (String::from_utf8_lossy(&bytes).into_owned(), n))
                .unwrap_or_default()
        };
        let (stdout, out_total) = collect(out);
        let (stderr, err_total) = collect(err);
        use std::os::unix::process::ExitStatusExt;
        Run {
            args: self.args,
            code: status.code(),
            signal: status.signal(),
            stdout,
            stderr,
            out_total,
            err_total,
        }
    }
}

/// Waits for `child`, killing it after `AFC_HOSTILE_TIMEOUT` seconds (default 600): a guard
/// against a run that hangs without using CPU, not a performance target.
pub fn wait(child: &mut std::process::Child, what: &[String]) -> std::process::ExitStatus {
    let timeout = Duration::from_secs(env_number("AFC_HOSTILE_TIMEOUT", 600));
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("afc {what:?} did not finish within {timeout:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("afc {what:?}: {e}"),
        }
    }
}

/// Reads a stream to its end, keeping its first and last `keep` bytes and counting all.
pub fn drain(mut r: impl Read + Send + 'static, keep: usize) -> std::thread::JoinHandle<(Vec<u8>, usize)> {
    std::thread::spawn(move || {
        let (mut head, mut tail) = (Vec::new(), std::collections::VecDeque::new());
        let mut total = 0;
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
            let rest = if head.len() < keep {
                let take = n.min(keep - head.len());
                head.extend_from_slice(&buf[..take]);
                &buf[take..n]
            } else {
                &buf[..n]
            };
            tail.extend(rest.iter().copied());
            while tail.len() > keep {
                tail.pop_front();
            }
        }
        head.extend(tail);
        (head, total)
    })
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> usize {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, bytes.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes.as_ref().len()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The last `n` characters of `s`.
pub fn tail(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().rev().take(n).collect();
    chars.into_iter().rev().collect()
}

/// Language server messages framed for stdio.
pub fn lsp_frames(messages: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        out.extend(format!("Content-Length: {}\r\n\r\n{m}", m.len()).into_bytes());
    }
    out
}
