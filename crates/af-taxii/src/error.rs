//! What can go wrong talking to a TAXII server, worded for the person running the command.

use std::fmt;
use std::time::Duration;

/// A failed TAXII exchange. The messages name the URL and what to do; they never contain
/// credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The URL given is not an `http(s)://` URL the client can use.
    BadUrl { url: String, why: String },
    /// 401: the server wants (other) credentials. `sent` is where the credentials sent came
    /// from, `None` when none were sent.
    Unauthorized {
        url: String,
        sent: Option<String>,
        server: String,
    },
    /// 403: the credentials are valid but may not do this.
    Forbidden { url: String, server: String },
    /// 404: no such API root, collection or status. `hint` lists what there is, if known.
    NotFound {
        url: String,
        what: String,
        server: String,
        hint: String,
    },
    /// 413: the request body is larger than the server takes.
    TooLarge {
        url: String,
        bytes: usize,
        limit: Option<u64>,
        server: String,
    },
    /// 406 or 415: the server refuses the TAXII 2.1 media type.
    MediaType {
        url: String,
        status: u16,
        server: String,
    },
    /// A successful response whose `Content-Type` is not TAXII 2.1 JSON.
    WrongMediaType { url: String, content_type: String },
    /// Any other HTTP error status (after the retries, for 429 and 5xx).
    Status {
        url: String,
        status: u16,
        server: String,
        tries: u32,
    },
    /// The connection failed, was closed early, or TLS failed (after the retries).
    Transport {
        url: String,
        message: String,
        tries: u32,
    },
    /// No complete response within the timeout (after the retries).
    Timeout {
        url: String,
        after: Duration,
        tries: u32,
    },
    /// The response is not the TAXII resource expected.
    BadResponse { url: String, message: String },
}

/// ` (the server says: …)`, or nothing.
fn said(server: &str) -> String {
    if server.is_empty() {
        String::new()
    } else {
        format!(" (the server says: {server})")
    }
}

fn tries_text(tries: u32) -> String {
    if tries > 1 {
        format!(" after {tries} tries")
    } else {
        String::new()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadUrl { url, why } => write!(f, "{url}: {why}"),
            Error::Unauthorized { url, sent: None, server } => write!(
                f,
                "{url}: 401 Unauthorized: the server wants credentials{}; set {} and {} (Basic) or {} (Bearer), or add the host to your netrc file",
                said(server),
                crate::USER_ENV,
                crate::PASSWORD_ENV,
                crate::TOKEN_ENV
            ),
            Error::Unauthorized { url, sent: Some(source), server } => write!(
                f,
                "{url}: 401 Unauthorized: the server refused the credentials from {source}{}; check the user name and password or the token",
                said(server)
            ),
            Error::Forbidden { url, server } => write!(
                f,
                "{url}: 403 Forbidden: these credentials may not do this{}",
                said(server)
            ),
            Error::NotFound { url, what, server, hint } => {
                write!(f, "{url}: 404 Not Found: no {what} here{}", said(server))?;
                if !hint.is_empty() {
                    write!(f, "; {hint}")?;
                }
                Ok(())
            }
            Error::TooLarge { url, bytes, limit, server } => {
                write!(f, "{url}: 413 Payload Too Large: the server refused a request of {bytes} bytes")?;
                if let Some(limit) = limit {
                    write!(f, " (the API root takes at most {limit} bytes)")?;
                }
                write!(f, "{}", said(server))
            }
            Error::MediaType { url, status, server } => write!(
                f,
                "{url}: {status} {}: the server does not accept {}{}; is it a TAXII 2.1 server?",
                if *status == 415 { "Unsupported Media Type" } else { "Not Acceptable" },
                crate::MEDIA_TYPE,
                said(server)
            ),
            Error::WrongMediaType { url, content_type } => write!(
                f,
                "{url}: the response is `{content_type}`, not TAXII 2.1 JSON ({}); is this the URL of a TAXII 2.1 API root?",
                crate::MEDIA_TYPE
            ),
            Error::Status { url, status, server, tries } => write!(
                f,
                "{url}: HTTP {status}{}{}",
                tries_text(*tries),
                said(server)
            ),
            Error::Transport { url, message, tries } => {
                write!(f, "{url}: {message}{}", tries_text(*tries))
            }
            Error::Timeout { url, after, tries } => write!(
                f,
                "{url}: no complete response within {}s{}",
                after.as_secs_f32(),
                tries_text(*tries)
            ),
            Error::BadResponse { url, message } => write!(f, "{url}: {message}"),
        }
    }
}

impl std::error::Error for Error {}
