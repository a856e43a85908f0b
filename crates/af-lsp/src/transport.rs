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

/// Serves one client over a byte stream pair until it sends `exit` or closes the input.
pub async fn serve<I, O>(input: I, output: O, options: ServerOptions)
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
    let guard = guard_input(input, to_server, tx);
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

/// What to do with a message body: pass it on, or answer it with an error.
fn check(body: &[u8]) -> Result<(), Vec<u8>> {
    if serde_json::from_slice::<Request>(body).is_ok() || serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(body) {
        Err(_) => Err(error_frame(Value::Null, -32700, "Parse error")),
        Ok(v) => {
            let id = match v.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            Err(error_frame(id, -32600, "Invalid request"))
        }
    }
}

/// Reads the client's frames; passes well-formed messages to the server, answers the rest.
async fn guard_input<I, W>(input: I, mut to_server: W, answers: mpsc::Sender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut r = BufReader::new(input);
    loop {
        let mut length: Option<usize> = None;
        let mut headers = 0;
        let mut bad_header = false;
        loop {
            let mut line = Vec::new();
            match r.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if headers > 0 {
                    break;
                }
                continue;
            }
            headers += 1;
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse().ok();
                    bad_header |= length.is_none();
                }
                Some(_) => {}
                None => bad_header = true,
            }
        }
        let Some(len) = length.filter(|&l| !bad_header && l <= MAX_MESSAGE_BYTES) else {
            if answers
                .send(error_frame(Value::Null, -32700, "Parse error"))
                .await
                .is_err()
            {
                return;
            }
            // Skip the body of an oversized message; without a length there is nothing to skip.
            if let Some(len) = length {
                let mut sink = (&mut r).take(len as u64);
                if tokio::io::copy(&mut sink, &mut tokio::io::sink()).await.is_err() {
                    return;
                }
            }
            continue;
        };
        let mut body = vec![0; len];
        if r.read_exact(&mut body).await.is_err() {
            return;
        }
        match check(&body) {
            Ok(()) => {
                if to_server.write_all(&frame(&body)).await.is_err() || to_server.flush().await.is_err() {
                    return;
                }
            }
            Err(answer) => {
                if answers.send(answer).await.is_err() {
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
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":3,"result":null}"#).is_ok());
        let answer = |b: &[u8]| {
            check(b)
                .err()
                .map(|f| String::from_utf8_lossy(&f).to_string())
                .unwrap_or_default()
        };
        assert!(answer(b"{ nope").contains("-32700"));
        assert!(answer(&[0xff, 0xfe]).contains("-32700"));
        let invalid = answer(br#"{"id":9,"method":5}"#);
        assert!(
            invalid.contains("-32600") && invalid.contains("\"id\":9"),
            "{invalid}"
        );
        assert!(answer(b"[1,2]").contains("\"id\":null"));
    }
}
