//! The byte-stream side of the server, with a guard in front of `tower-lsp-server`.
//!
//! `tower-lsp-server` answers a malformed message (bad JSON, not a JSON-RPC message, broken
//! headers) with the protocol's error response, but its framed reader then stops reading, so
//! the server would quit on the first malformed message. The guard reads the frames itself,
//! answers malformed ones with the same error responses (`-32700` parse error, `-32600`
//! invalid request), and passes only well-formed messages on, through in-memory pipes. The
//! server's own output and the guard's answers are merged frame by frame.

use crate::server::{self, ServerOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message body accepted (a document of a few hundred megabytes is not a flow).
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// The longest header line accepted; a longer one is a broken frame.
pub const MAX_HEADER_LINE: usize = 4096;
/// The most header lines one frame may have (LSP defines two).
pub const MAX_HEADERS: usize = 32;

/// What a frame starts with; after a broken frame the reader skips to the next one.
const MARKER: &[u8] = b"content-length:";
/// How much is read from the client at a time.
const CHUNK: usize = 64 << 10;

/// Whether the client ended the session properly (`shutdown`, then `exit`).
#[derive(Debug, Default)]
struct Lifecycle {
    shutdown: bool,
    exit: bool,
}

/// Serves one client over a byte stream pair until it sends `exit` or closes the input.
/// Returns the exit code the protocol prescribes: `1` when `exit` came without `shutdown`,
/// else `0`.
pub async fn serve<I, O>(input: I, output: O, options: ServerOptions) -> crate::ExitCode
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let (service, socket) = server::service(options);
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (tx, rx) = mpsc::channel::<Vec<u8>>(64);
    let server = tower_lsp_server::Server::new(server_in, server_out, socket).serve(service);
    let pump_tx = tx.clone();
    let server_side = async move {
        tokio::join!(server, pump(from_server, pump_tx));
    };
    let mut lifecycle = Lifecycle::default();
    let guard = guard_input(input, to_server, tx, &mut lifecycle);
    let controller = async move {
        tokio::pin!(server_side);
        tokio::pin!(guard);
        tokio::select! {
            _ = &mut server_side => {}
            _ = &mut guard => server_side.await,
        }
        // Dropping the guard here drops the last sender, so the writer ends once drained.
    };
    tokio::join!(controller, write_out(rx, output));
    u8::from(lifecycle.exit && !lifecycle.shutdown)
}

/// One framed message.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let v = json!({ "jsonrpc": "2.0", "error": { "code": code, "message": message }, "id": id });
    frame(v.to_string().as_bytes())
}

fn parse_error() -> Vec<u8> {
    error_frame(Value::Null, -32700, "Parse error")
}

/// Why a body is not passed on.
#[derive(Debug)]
enum Refused {
    /// Not JSON: the frame itself is suspect (a wrong `Content-Length`), so the reader
    /// resynchronises after answering.
    NotJson,
    /// JSON but not a JSON-RPC message: answered with this frame.
    Invalid(Vec<u8>),
}

/// What to do with a message body: pass it on (with its method, if it has one), or refuse it.
fn check(body: &[u8]) -> Result<Option<String>, Refused> {
    // Responses first: `Request` also accepts a response (with an empty method).
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(None);
    }
    if let Ok(request) = serde_json::from_slice::<Request>(body) {
        return Ok(Some(request.method().to_string()));
    }
    match serde_json::from_slice::<Value>(body) {
        Err(_) => Err(Refused::NotJson),
        Ok(v) => {
            let id = match v.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            Err(Refused::Invalid(error_frame(id, -32600, "Invalid request")))
        }
    }
}

/// One frame read from the client.
#[derive(Debug, PartialEq, Eq)]
enum Frame {
    /// A body of the length its header announced (not yet checked).
    Body(Vec<u8>),
    /// Broken headers (no usable `Content-Length`, a header line or header block too long)
    /// or an oversized body, already skipped.
    Broken,
}

/// Reads `Content-Length` frames from the client with bounded memory: header lines are
/// capped at [`MAX_HEADER_LINE`], bodies at [`MAX_MESSAGE_BYTES`], and after a broken frame
/// [`FrameReader::resync`] skips to the next `Content-Length:` header.
struct FrameReader<R> {
    input: R,
    /// Bytes read but not consumed: `buf[pos..]`.
    buf: Vec<u8>,
    pos: usize,
}

fn find_marker(hay: &[u8]) -> Option<usize> {
    hay.windows(MARKER.len())
        .position(|w| w.eq_ignore_ascii_case(MARKER))
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    fn new(input: R) -> Self {
        FrameReader {
            input,
            buf: Vec::new(),
            pos: 0,
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more input; false at the end of the input (or on a read error).
    async fn fill(&mut self) -> bool {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = self.input.read(&mut self.buf[old..]).await.unwrap_or(0);
        self.buf.truncate(old + n);
        n > 0
    }

    /// The next line without its line break; `Ok(None)` at the end of the input,
    /// `Err(())` when the line is longer than [`MAX_HEADER_LINE`] (nothing is consumed).
    async fn line(&mut self) -> Result<Option<Vec<u8>>, ()> {
        let mut searched = 0;
        loop {
            let pending = self.pending();
            if let Some(i) = pending[searched..].iter().position(|&b| b == b'\n') {
                let end = searched + i;
                if end > MAX_HEADER_LINE {
                    return Err(());
                }
                let mut line = pending[..end].to_vec();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.pos += end + 1;
                return Ok(Some(line));
            }
            searched = pending.len();
            if searched > MAX_HEADER_LINE {
                return Err(());
            }
            if !self.fill().await {
                return Ok(None);
            }
        }
    }

    /// The next `len` bytes; `None` when the input ends first.
    async fn take(&mut self, len: usize) -> Option<Vec<u8>> {
        let have = self.pending().len().min(len);
        let mut body = Vec::with_capacity(len);
        body.extend_from_slice(&self.pending()[..have]);
        self.pos += have;
        if have < len {
            body.resize(len, 0);
            self.input.read_exact(&mut body[have..]).await.ok()?;
        }
        Some(body)
    }

    /// Skips `len` bytes without keeping them; false when the input ends first.
    async fn skip(&mut self, len: usize) -> bool {
        let mut left = len;
        loop {
            let n = self.pending().len().min(left);
            self.pos += n;
            left -= n;
            if left == 0 {
                return true;
            }
            if !self.fill().await {
                return false;
            }
        }
    }

    /// Puts bytes back in front of the unread input.
    fn unread(&mut self, bytes: &[u8]) {
        let mut buf = Vec::with_capacity(bytes.len() + self.pending().len());
        buf.extend_from_slice(bytes);
        buf.extend_from_slice(self.pending());
        self.buf = buf;
        self.pos = 0;
    }

    /// Skips `skip` bytes, then everything up to the next `Content-Length:` header
    /// (case-insensitive), keeping at most a header's worth of bytes while it looks. False
    /// when the input ends first.
    async fn resync(&mut self, skip: usize) -> bool {
        if !self.skip(skip).await {
            return false;
        }
        loop {
            if let Some(i) = find_marker(self.pending()) {
                self.pos += i;
                return true;
            }
            // Keep a tail that may be the start of a marker cut by the read.
            let keep = self.pending().len().min(MARKER.len() - 1);
            self.pos = self.buf.len() - keep;
            if !self.fill().await {
                return false;
            }
        }
    }

    /// The next frame; `None` at the end of the input.
    async fn next(&mut self) -> Option<Frame> {
        let mut length: Option<usize> = None;
        let mut headers = 0;
        let mut broken = false;
        loop {
            let Ok(line) = self.line().await else {
                broken = true;
                break;
            };
            let line = line?;
            if line.iter().all(u8::is_ascii_whitespace) {
                if headers > 0 {
                    break;
                }
                continue;
            }
            headers += 1;
            if headers > MAX_HEADERS {
                broken = true;
                break;
            }
            let text = String::from_utf8_lossy(&line);
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse().ok();
                    broken |= length.is_none();
                }
                Some(_) => {}
                None => broken = true,
            }
        }
        match length {
            Some(len) if !broken && len <= MAX_MESSAGE_BYTES => Some(Frame::Body(self.take(len).await?)),
            // A well-formed header announcing too much: skip exactly that much.
            Some(len) if !broken => self.skip(len).await.then_some(Frame::Broken),
            _ => self.resync(1).await.then_some(Frame::Broken),
        }
    }
}

/// Reads the client's frames; passes well-formed messages to the server, answers the rest.
/// A body that is not JSON means its `Content-Length` was wrong, so after answering it the
/// reader looks for the next `Content-Length:` header, inside that body first.
async fn guard_input<I, W>(
    input: I,
    mut to_server: W,
    answers: mpsc::Sender<Vec<u8>>,
    lifecycle: &mut Lifecycle,
) where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = FrameReader::new(input);
    while let Some(next) = reader.next().await {
        let body = match next {
            Frame::Body(body) => body,
            Frame::Broken => {
                if answers.send(parse_error()).await.is_err() {
                    return;
                }
                continue;
            }
        };
        match check(&body) {
            Ok(method) => {
                if to_server.write_all(&frame(&body)).await.is_err() || to_server.flush().await.is_err() {
                    return;
                }
                match method.as_deref() {
                    Some("shutdown") => lifecycle.shutdown = true,
                    Some("exit") => {
                        lifecycle.exit = true;
                        return;
                    }
                    _ => {}
                }
            }
            Err(Refused::Invalid(answer)) => {
                if answers.send(answer).await.is_err() {
                    return;
                }
            }
            Err(Refused::NotJson) => {
                if answers.send(parse_error()).await.is_err() {
                    return;
                }
                let from = find_marker(body.get(1..).unwrap_or_default())
                    .map_or(body.len().saturating_sub(MARKER.len() - 1).max(1), |i| i + 1);
                reader.unread(body.get(from..).unwrap_or_default());
                if !reader.resync(0).await {
                    return;
                }
            }
        }
    }
}

/// Reads the server's (well-formed) frames and queues them whole for the writer.
async fn pump<R: AsyncRead + Unpin>(from_server: R, out: mpsc::Sender<Vec<u8>>) {
    let mut r = BufReader::new(from_server);
    loop {
        let mut head = Vec::new();
        let mut length = 0usize;
        loop {
            let start = head.len();
            match r.read_until(b'\n', &mut head).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&head[start..]).trim_end().to_string();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if r.read_exact(&mut body).await.is_err() {
            return;
        }
        head.extend_from_slice(&body);
        if out.send(head).await.is_err() {
            return;
        }
    }
}

/// Writes queued frames to the client until every sender is gone.
async fn write_out<O: AsyncWrite + Unpin>(mut rx: mpsc::Receiver<Vec<u8>>, mut output: O) {
    while let Some(f) = rx.recv().await {
        if output.write_all(&f).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_messages_from_garbage() {
        let method = |b: &[u8]| check(b).ok().flatten();
        assert_eq!(
            method(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).as_deref(),
            Some("initialize")
        );
        assert_eq!(
            method(br#"{"jsonrpc":"2.0","method":"exit"}"#).as_deref(),
            Some("exit")
        );
        let response = check(br#"{"jsonrpc":"2.0","id":3,"result":null}"#);
        assert!(matches!(response, Ok(None)), "{response:?}");
        assert!(matches!(check(b"{ nope"), Err(Refused::NotJson)));
        assert!(matches!(check(&[0xff, 0xfe]), Err(Refused::NotJson)));
        let invalid = |b: &[u8]| match check(b) {
            Err(Refused::Invalid(f)) => String::from_utf8_lossy(&f).to_string(),
            other => panic!("{other:?}"),
        };
        let answer = invalid(br#"{"id":9,"method":5}"#);
        assert!(
            answer.contains("-32600") && answer.contains("\"id\":9"),
            "{answer}"
        );
        assert!(invalid(b"[1,2]").contains("\"id\":null"));
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// Every frame the reader yields from `input`, bodies as text.
    async fn frames(input: &[u8]) -> Vec<Option<String>> {
        let mut r = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(f) = r.next().await {
            out.push(match f {
                Frame::Body(b) => Some(String::from_utf8_lossy(&b).to_string()),
                Frame::Broken => None,
            });
        }
        out
    }

    #[tokio::test]
    async fn frames_are_read_whole_and_blank_lines_between_them_are_ignored() {
        let input = format!("{}\r\n{}", framed("{\"a\":1}"), framed("{\"b\":2}"));
        assert_eq!(
            frames(input.as_bytes()).await,
            [Some("{\"a\":1}".to_string()), Some("{\"b\":2}".to_string())]
        );
    }

    #[tokio::test]
    async fn an_overlong_header_line_is_one_broken_frame_and_reading_goes_on() {
        // Without a line break the line would otherwise be buffered without limit.
        let junk = "X".repeat(MAX_HEADER_LINE * 20);
        let input = format!("{junk}{}", framed("{\"ok\":1}"));
        assert_eq!(
            frames(input.as_bytes()).await,
            [None, Some("{\"ok\":1}".to_string())]
        );
        let long_value = format!("Content-Length: {}\r\n\r\n", "9".repeat(MAX_HEADER_LINE * 2));
        let input = format!("{long_value}{}", framed("{\"ok\":2}"));
        assert_eq!(
            frames(input.as_bytes()).await,
            [None, Some("{\"ok\":2}".to_string())]
        );
        let many = "X-Header: 1\r\n".repeat(MAX_HEADERS + 1);
        let input = format!("{many}\r\n{}", framed("{\"ok\":3}"));
        assert_eq!(
            frames(input.as_bytes()).await,
            [None, Some("{\"ok\":3}".to_string())]
        );
    }

    #[tokio::test]
    async fn a_header_without_a_length_skips_to_the_next_frame() {
        let input = format!("Content-Type: x\r\n\r\n{{}}{}", framed("{\"ok\":1}"));
        assert_eq!(
            frames(input.as_bytes()).await,
            [None, Some("{\"ok\":1}".to_string())]
        );
    }
}
