//! The TAXII 2.1 client: one API root, blocking requests with retries, and the resources
//! `afc` uses (API root information, collections, objects, status, manifest).

use crate::{Credentials, Error, MEDIA_TYPE};
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// How the client behaves on the network.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The longest one request may take, from connecting to the last byte of the response.
    pub timeout: Duration,
    /// How many times a request is tried again after 429, 500, 502, 503, 504, a failed or
    /// early-closed connection, or a timeout.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further one (a `Retry-After`
    /// given in seconds by the server takes its place).
    pub backoff: Duration,
    /// The longest wait between two tries.
    pub max_backoff: Duration,
    /// The first wait between two looks at a status resource; it doubles up to 5 s.
    pub poll_interval: Duration,
    /// How long [`Client::wait`] waits for a status to be complete.
    pub wait: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            poll_interval: Duration::from_millis(500),
            wait: Duration::from_secs(120),
            user_agent: format!("af-taxii/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The information resource of an API root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRoot {
    /// Its title.
    pub title: String,
    /// The TAXII versions it offers (media types).
    pub versions: Vec<String>,
    /// The largest request body it accepts, in bytes.
    pub max_content_length: Option<u64>,
}

/// A collection resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the credentials may read its objects.
    pub can_read: bool,
    /// Whether the credentials may add objects to it.
    pub can_write: bool,
}

/// Which objects [`Client::objects`] asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectsFilter {
    /// Only objects added to the collection after this timestamp (`added_after`).
    pub added_after: Option<String>,
    /// The page size to ask for (`limit`; [`DEFAULT_PAGE_SIZE`] when `None`). It is sent
    /// with every page, since some servers (medallion 3.0) fail on a `next` without it;
    /// servers give fewer objects when they have a smaller maximum.
    pub limit: Option<u32>,
}

/// One entry of a status resource's `successes`, `failures` or `pendings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDetail {
    /// The object's id.
    pub id: String,
    /// The object's version (its `modified`, or what the server used).
    pub version: String,
    /// What the server says about it.
    pub message: Option<String>,
}

/// A status resource: how far the server got with an add-objects request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The status id.
    pub id: String,
    /// `complete` or `pending`.
    pub status: String,
    /// Objects in the request.
    pub total_count: u64,
    /// Objects added.
    pub success_count: u64,
    /// Objects refused.
    pub failure_count: u64,
    /// Objects not yet handled.
    pub pending_count: u64,
    /// The objects added, where the server lists them.
    pub successes: Vec<StatusDetail>,
    /// The objects refused, where the server lists them.
    pub failures: Vec<StatusDetail>,
    /// The objects not yet handled, where the server lists them.
    pub pendings: Vec<StatusDetail>,
}

impl Status {
    /// Whether the server is done with the request.
    pub fn is_complete(&self) -> bool {
        self.status == "complete"
    }
}

/// One entry of a collection's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRecord {
    /// The object's id.
    pub id: String,
    /// The version held.
    pub version: String,
    /// When it was added.
    pub date_added: String,
}

/// A TAXII 2.1 client for one API root.
pub struct Client {
    agent: ureq::Agent,
    root: String,
    host: String,
    credentials: Option<Credentials>,
    settings: Settings,
}

/// The largest response body read.
const MAX_RESPONSE_BYTES: u64 = 256 << 20;

/// Statuses worth another try: the server is busy or failed in passing.
const RETRY_STATUS: &[u16] = &[429, 500, 502, 503, 504];

/// The page size asked for when the caller names none.
pub const DEFAULT_PAGE_SIZE: u32 = 1000;

/// Ids asked for in one manifest request (keeps URLs short).
const MANIFEST_CHUNK: usize = 20;

/// Pages that [`Client::objects`] follows at most (a server that never ends is an error).
const MAX_PAGES: usize = 100_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// A response that arrived.
struct Reply {
    status: u16,
    content_type: String,
    date_added_last: Option<String>,
    retry_after: Option<Duration>,
    body: String,
}

/// What one try gave.
enum Attempt {
    Reply(Reply),
    /// Worth another try: the connection failed or closed early.
    Transport(String),
    /// Not worth another try (name resolution, TLS, bad URL, redirects, a huge response).
    Fatal(Error),
    Timeout,
}

/// Percent-encodes everything but the unreserved characters (RFC 3986).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `url?k=v&…` with every key and value encoded.
fn with_query(url: &str, query: &[(&str, String)]) -> String {
    if query.is_empty() {
        return url.to_string();
    }
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{url}?{}", q.join("&"))
}

/// Checks an API root URL and gives it with a trailing slash, and its host.
fn normalize_root(url: &str) -> Result<(String, String), Error> {
    let bad = |why: &str| Error::BadUrl {
        url: url.to_string(),
        why: why.to_string(),
    };
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        r
    } else {
        return Err(bad("a TAXII API root URL starts with https:// (or http://)"));
    };
    if url.contains(['?', '#']) {
        return Err(bad("an API root URL has no query or fragment"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("the URL contains spaces or control characters"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        // The URL is printed in messages and may sit in shell history: no secrets in it.
        return Err(Error::BadUrl {
            url: "the URL given".to_string(),
            why: format!(
                "credentials in the URL are refused (they would show in messages and shell history); set {} and {}, or {}, or use a netrc file",
                crate::USER_ENV,
                crate::PASSWORD_ENV,
                crate::TOKEN_ENV
            ),
        });
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default().to_string(),
        None => authority.split(':').next().unwrap_or_default().to_string(),
    };
    if host.is_empty() {
        return Err(bad("the URL has no host"));
    }
    let mut root = url.to_string();
    if !root.ends_with('/') {
        root.push('/');
    }
    Ok((root, host))
}

/// The root certificates: those in `SSL_CERT_FILE` when it is set, else Mozilla's.
fn tls_config() -> Result<ureq::tls::TlsConfig, Error> {
    let builder = ureq::tls::TlsConfig::builder();
    let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) else {
        return Ok(builder.build());
    };
    let shown = std::path::Path::new(&path).display().to_string();
    let pem = std::fs::read(&path).map_err(|e| Error::BadUrl {
        url: format!("SSL_CERT_FILE={shown}"),
        why: e.to_string(),
    })?;
    let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(Result::ok)
        .filter_map(|item| match item {
            ureq::tls::PemItem::Certificate(c) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::BadUrl {
            url: format!("SSL_CERT_FILE={shown}"),
            why: "no PEM certificates in this file".to_string(),
        });
    }
    Ok(builder
        .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
        .build())
}

/// Whether a `Content-Type` is TAXII 2.1 JSON (`application/taxii+json`, version 2.1 or
/// none given).
fn is_taxii(content_type: &str) -> bool {
    let lower = content_type.to_ascii_lowercase();
    let mut parts = lower.split(';').map(str::trim);
    if parts.next() != Some("application/taxii+json") {
        return false;
    }
    parts.all(|p| match p.split_once('=') {
        Some(("version", v)) => v.trim_matches('"') == "2.1",
        _ => true,
    })
}

/// What the server said in an error response: the TAXII error message's `title` and
/// `description`, or the first line of a short text; cleaned of control characters and cut
/// to a readable length.
fn server_message(reply: &Reply) -> String {
    let text = match serde_json::from_str::<Value>(&reply.body) {
        Ok(Value::Object(m)) => {
            let get = |k: &str| {
                m.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            let (title, description) = (get("title"), get("description"));
            match (title.is_empty(), description.is_empty()) {
                (false, false) => format!("{title}: {description}"),
                (false, true) => title,
                (true, false) => description,
                (true, true) => String::new(),
            }
        }
        _ if reply.content_type.starts_with("text/plain") => {
            reply.body.lines().next().unwrap_or_default().to_string()
        }
        _ => String::new(),
    };
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if clean.chars().count() > 300 {
        format!("{}…", clean.chars().take(300).collect::<String>())
    } else {
        clean
    }
}

fn get_str(m: &Map<String, Value>, k: &str) -> String {
    m.get(k).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn details(v: Option<&Value>) -> Vec<StatusDetail> {
    v.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_object)
                .map(|d| StatusDetail {
                    id: get_str(d, "id"),
                    version: get_str(d, "version"),
                    message: d.get("message").and_then(Value::as_str).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Client {
    /// A client for the API root at `api_root` (`https://host/api1/`; a missing final slash is
    /// added). `credentials` go with every request. The URL must not carry credentials.
    pub fn new(
        api_root: &str,
        credentials: Option<Credentials>,
        settings: Settings,
    ) -> Result<Client, Error> {
        let (root, host) = normalize_root(api_root)?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(settings.timeout))
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
            .user_agent(settings.user_agent.clone())
            .tls_config(tls_config()?)
            .build();
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
            root,
            host,
            credentials,
            settings,
        })
    }

    /// The API root URL, with its final slash.
    pub fn url(&self) -> &str {
        &self.root
    }

    /// The host of the API root.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The URL of a collection's resource (`…/collections/ID/` and below).
    fn collection_url(&self, collection: &str, tail: &str) -> String {
        format!("{}collections/{}/{tail}", self.root, encode(collection))
    }

    /// One try of a request.
    fn once(&self, method: Method, url: &str, body: Option<&[u8]>) -> Attempt {
        let auth = self.credentials.as_ref().map(Credentials::header);
        let result = match method {
            Method::Get => {
                let mut req = self.agent.get(url).header("Accept", MEDIA_TYPE);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.call()
            }
            Method::Post => {
                let mut req = self
                    .agent
                    .post(url)
                    .header("Accept", MEDIA_TYPE)
                    .header("Content-Type", MEDIA_TYPE);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                req.send(body.unwrap_or_default())
            }
        };
        let mut response = match result {
            Ok(r) => r,
            Err(e) => return self.failure(url, e),
        };
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let date_added_last = header("x-taxii-date-added-last");
        let retry_after = header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string();
        match body {
            Ok(body) => Attempt::Reply(Reply {
                status,
                content_type,
                date_added_last,
                retry_after,
                body,
            }),
            Err(e) => self.failure(url, e),
        }
    }

    /// What a transport error means for the caller.
    fn failure(&self, url: &str, e: ureq::Error) -> Attempt {
        let host = &self.host;
        match e {
            ureq::Error::Timeout(_) => Attempt::Timeout,
            ureq::Error::Io(io) => {
                use std::io::ErrorKind as K;
                let what = match io.kind() {
                    K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                        format!("{host} closed the connection before the response was complete")
                    }
                    K::ConnectionRefused => format!("{host} refused the connection (is the server running?)"),
                    K::TimedOut => return Attempt::Timeout,
                    _ => format!("cannot talk to {host}: {io}"),
                };
                Attempt::Transport(what)
            }
            ureq::Error::ConnectionFailed => Attempt::Transport(format!("cannot connect to {host}")),
            ureq::Error::Protocol(p) => Attempt::Transport(format!(
                "{host} closed the connection or answered with something that is not HTTP ({p})"
            )),
            ureq::Error::BodyStalled => Attempt::Transport(format!("{host} stopped sending the response")),
            ureq::Error::HostNotFound => Attempt::Fatal(Error::Transport {
                url: url.to_string(),
                message: format!("cannot resolve the host name {host}"),
                tries: 1,
            }),
            ureq::Error::BodyExceedsLimit(n) => Attempt::Fatal(Error::BadResponse {
                url: url.to_string(),
                message: format!("the response is larger than {} MiB", n >> 20),
            }),
            ureq::Error::BadUri(why) => Attempt::Fatal(Error::BadUrl {
                url: url.to_string(),
                why,
            }),
            other => Attempt::Fatal(Error::Transport {
                url: url.to_string(),
                message: other.to_string(),
                tries: 1,
            }),
        }
    }

    /// Sends a request, trying again on busy servers and broken connections, and maps error
    /// statuses to [`Error`]s. `what` names the resource for a 404 (`collection \`x\``).
    fn send(&self, method: Method, url: &str, body: Option<&[u8]>, what: &str) -> Result<Reply, Error> {
        let mut tries = 0u32;
        loop {
            tries += 1;
            let attempt = self.once(method, url, body);
            let again = match &attempt {
                Attempt::Reply(r) if RETRY_STATUS.contains(&r.status) => Some(r.retry_after),
                Attempt::Transport(_) | Attempt::Timeout => Some(None),
                _ => None,
            };
            if let Some(retry_after) = again {
                if tries <= self.settings.retries {
                    let backoff = self.settings.backoff.saturating_mul(1u32 << (tries - 1).min(16));
                    std::thread::sleep(retry_after.unwrap_or(backoff).min(self.settings.max_backoff));
                    continue;
                }
            }
            return match attempt {
                Attempt::Reply(r) => self.check(url, r, body.map_or(0, <[u8]>::len), what, tries),
                Attempt::Transport(message) => Err(Error::Transport {
                    url: url.to_string(),
                    message,
                    tries,
                }),
                Attempt::Timeout => Err(Error::Timeout {
                    url: url.to_string(),
                    after: self.settings.timeout,
                    tries,
                }),
                Attempt::Fatal(e) => Err(e),
            };
        }
    }

    /// Maps an error status to an [`Error`], and checks that a success is TAXII 2.1 JSON.
    fn check(&self, url: &str, reply: Reply, sent: usize, what: &str, tries: u32) -> Result<Reply, Error> {
        let url = url.to_string();
        let server = || server_message(&reply);
        match reply.status {
            200..=299 => {
                if !is_taxii(&reply.content_type) {
                    return Err(Error::WrongMediaType {
                        url,
                        content_type: if reply.content_type.is_empty() {
                            "no Content-Type".to_string()
                        } else {
                            reply.content_type
                        },
                    });
                }
                Ok(reply)
            }
            401 => Err(Error::Unauthorized {
                url,
                sent: self.credentials.as_ref().map(|c| c.source().to_string()),
                server: server(),
            }),
            403 => Err(Error::Forbidden {
                url,
                server: server(),
            }),
            404 => Err(Error::NotFound {
                url,
                what: what.to_string(),
                server: server(),
                hint: String::new(),
            }),
            413 => Err(Error::TooLarge {
                url,
                bytes: sent,
                limit: None,
                server: server(),
            }),
            406 | 415 => Err(Error::MediaType {
                url,
                status: reply.status,
                server: server(),
            }),
            status => Err(Error::Status {
                url,
                status,
                server: server(),
                tries,
            }),
        }
    }

    /// A successful reply's body as a JSON object.
    fn json(url: &str, reply: &Reply) -> Result<Map<String, Value>, Error> {
        match serde_json::from_str::<Value>(&reply.body) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(Error::BadResponse {
                url: url.to_string(),
                message: "the response is JSON but not an object".to_string(),
            }),
            Err(e) => Err(Error::BadResponse {
                url: url.to_string(),
                message: format!("the response is not valid JSON ({e})"),
            }),
        }
    }

    fn get_json(&self, url: &str, what: &str) -> Result<Map<String, Value>, Error> {
        let reply = self.send(Method::Get, url, None, what)?;
        Client::json(url, &reply)
    }

    /// The API root's information. A discovery resource instead (the server's root URL was
    /// given) is an error that lists the API roots; so is an API root without TAXII 2.1.
    pub fn api_root(&self) -> Result<ApiRoot, Error> {
        let m = self.get_json(&self.root, "TAXII API root")?;
        if let Some(roots) = m.get("api_roots").and_then(Value::as_array) {
            let list: Vec<&str> = roots.iter().filter_map(Value::as_str).collect();
            return Err(Error::BadResponse {
                url: self.root.clone(),
                message: format!(
                    "this is the server's discovery resource, not an API root; give one of its API roots{}",
                    if list.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", list.join(", "))
                    }
                ),
            });
        }
        let versions: Vec<String> = m
            .get("versions")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        if !versions.is_empty() && !versions.iter().any(|v| is_taxii(v) && v.contains("2.1")) {
            return Err(Error::BadResponse {
                url: self.root.clone(),
                message: format!(
                    "this API root does not offer TAXII 2.1 (it offers {})",
                    versions.join(", ")
                ),
            });
        }
        Ok(ApiRoot {
            title: get_str(&m, "title"),
            versions,
            max_content_length: m.get("max_content_length").and_then(Value::as_u64),
        })
    }

    fn collection_of(m: &Map<String, Value>) -> Collection {
        Collection {
            id: get_str(m, "id"),
            title: get_str(m, "title"),
            can_read: m.get("can_read").and_then(Value::as_bool).unwrap_or(false),
            can_write: m.get("can_write").and_then(Value::as_bool).unwrap_or(false),
        }
    }

    /// The collections of the API root.
    pub fn collections(&self) -> Result<Vec<Collection>, Error> {
        let url = format!("{}collections/", self.root);
        let m = self.get_json(&url, "collections list")?;
        Ok(m.get("collections")
            .and_then(Value::as_array)
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_object)
                    .map(Client::collection_of)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// One collection. When there is no such collection, the error lists the ones there are
    /// (when the server tells).
    pub fn collection(&self, id: &str) -> Result<Collection, Error> {
        let url = self.collection_url(id, "");
        match self.get_json(&url, &format!("collection `{id}`")) {
            Ok(m) => Ok(Client::collection_of(&m)),
            Err(Error::NotFound {
                url,
                what,
                server,
                hint: _,
            }) => {
                let hint = match self.collections() {
                    Ok(list) if list.is_empty() => "this API root has no collections".to_string(),
                    Ok(list) => format!(
                        "this API root has {}",
                        list.iter()
                            .map(|c| if c.title.is_empty() {
                                c.id.clone()
                            } else {
                                format!("{} ({})", c.id, c.title)
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Err(_) => String::new(),
                };
                Err(Error::NotFound {
                    url,
                    what,
                    server,
                    hint,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Every page of a list resource (`objects` or `manifest`): follows `next`, or
    /// `X-TAXII-Date-Added-Last` as `added_after` when the server says `more` without a
    /// `next`. `progress` hears the number of items and pages so far.
    fn pages(
        &self,
        url: &str,
        base: &[(&str, String)],
        what: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Map<String, Value>>, Error> {
        let mut items = Vec::new();
        let mut query: Vec<(&str, String)> = base.to_vec();
        let mut empty_in_a_row = 0;
        let mut seen_added_after: HashSet<String> = HashSet::new();
        for page in 1..=MAX_PAGES {
            let full = with_query(url, &query);
            let reply = self.send(Method::Get, &full, None, what)?;
            let m = Client::json(&full, &reply)?;
            let before = items.len();
            match m.get("objects") {
                None | Some(Value::Null) => {}
                Some(Value::Array(list)) => {
                    items.extend(list.iter().filter_map(Value::as_object).cloned());
                }
                Some(_) => {
                    return Err(Error::BadResponse {
                        url: full,
                        message: "`objects` is not a list".to_string(),
                    })
                }
            }
            progress(items.len(), page);
            if !m.get("more").and_then(Value::as_bool).unwrap_or(false) {
                return Ok(items);
            }
            empty_in_a_row = if items.len() == before {
                empty_in_a_row + 1
            } else {
                0
            };
            if empty_in_a_row >= 3 {
                return Err(Error::BadResponse {
                    url: full,
                    message: "the server says there is more but sends nothing".to_string(),
                });
            }
            query = base.to_vec();
            if let Some(next) = m.get("next").and_then(Value::as_str) {
                query.push(("next", next.to_string()));
            } else if let Some(last) = reply.date_added_last {
                if !seen_added_after.insert(last.clone()) {
                    return Err(Error::BadResponse {
                        url: full,
                        message:
                            "the server says there is more but its X-TAXII-Date-Added-Last does not advance"
                                .to_string(),
                    });
                }
                query.retain(|(k, _)| *k != "added_after");
                query.push(("added_after", last));
            } else {
                return Err(Error::BadResponse {
                    url: full,
                    message:
                        "the server says there is more but gives neither `next` nor X-TAXII-Date-Added-Last"
                            .to_string(),
                });
            }
        }
        Err(Error::BadResponse {
            url: url.to_string(),
            message: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// Every object of a collection that `filter` selects, across all pages, in the order the
    /// server gives them. `progress` hears the number of objects and pages so far.
    pub fn objects(
        &self,
        collection: &str,
        filter: &ObjectsFilter,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Map<String, Value>>, Error> {
        let mut base: Vec<(&str, String)> = Vec::new();
        if let Some(t) = &filter.added_after {
            base.push(("added_after", t.clone()));
        }
        base.push(("limit", filter.limit.unwrap_or(DEFAULT_PAGE_SIZE).to_string()));
        let url = self.collection_url(collection, "objects/");
        self.pages(&url, &base, &format!("collection `{collection}`"), progress)
    }

    /// The manifest entries (every version) of the objects with these ids.
    pub fn manifest(&self, collection: &str, ids: &[&str]) -> Result<Vec<ManifestRecord>, Error> {
        let url = self.collection_url(collection, "manifest/");
        let mut out = Vec::new();
        for chunk in ids.chunks(MANIFEST_CHUNK) {
            let base = [
                ("match[id]", chunk.join(",")),
                ("match[version]", "all".to_string()),
                ("limit", DEFAULT_PAGE_SIZE.to_string()),
            ];
            let records = self.pages(&url, &base, &format!("collection `{collection}`"), &mut |_, _| {})?;
            out.extend(records.iter().map(|r| ManifestRecord {
                id: get_str(r, "id"),
                version: get_str(r, "version"),
                date_added: get_str(r, "date_added"),
            }));
        }
        Ok(out)
    }

    fn status_of(url: &str, m: &Map<String, Value>) -> Result<Status, Error> {
        let count = |k: &str| m.get(k).and_then(Value::as_u64).unwrap_or(0);
        let status = Status {
            id: get_str(m, "id"),
            status: get_str(m, "status"),
            total_count: count("total_count"),
            success_count: count("success_count"),
            failure_count: count("failure_count"),
            pending_count: count("pending_count"),
            successes: details(m.get("successes")),
            failures: details(m.get("failures")),
            pendings: details(m.get("pendings")),
        };
        if status.id.is_empty() || status.status.is_empty() {
            return Err(Error::BadResponse {
                url: url.to_string(),
                message: "the response is not a TAXII status resource (no `id` or `status`)".to_string(),
            });
        }
        Ok(status)
    }

    /// Adds objects to a collection in one envelope and returns the status the server gives
    /// (see [`Client::wait`]). A 413 says how large the request was and, when the API root
    /// tells, how large it may be.
    pub fn add_objects(&self, collection: &str, objects: &[Value]) -> Result<Status, Error> {
        let url = self.collection_url(collection, "objects/");
        let body = serde_json::to_vec(&json!({ "objects": objects })).map_err(|e| Error::BadResponse {
            url: url.clone(),
            message: format!("cannot write the envelope: {e}"),
        })?;
        match self.send(
            Method::Post,
            &url,
            Some(&body),
            &format!("collection `{collection}`"),
        ) {
            Ok(reply) => Client::status_of(&url, &Client::json(&url, &reply)?),
            Err(Error::TooLarge {
                url,
                bytes,
                limit: None,
                server,
            }) => {
                let limit = self.api_root().ok().and_then(|r| r.max_content_length);
                Err(Error::TooLarge {
                    url,
                    bytes,
                    limit,
                    server,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// A status resource.
    pub fn status(&self, id: &str) -> Result<Status, Error> {
        let url = format!("{}status/{}/", self.root, encode(id));
        let m = self.get_json(&url, &format!("status `{id}`"))?;
        Client::status_of(&url, &m)
    }

    /// Looks at the status until it is complete or [`Settings::wait`] has passed, and returns
    /// the last one seen (check [`Status::is_complete`]).
    pub fn wait(&self, status: Status) -> Result<Status, Error> {
        let start = Instant::now();
        let mut interval = self.settings.poll_interval;
        let mut status = status;
        while !status.is_complete() && start.elapsed() < self.settings.wait {
            std::thread::sleep(interval);
            interval = (interval * 2).min(Duration::from_secs(5));
            status = self.status(&status.id)?;
        }
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert!(is_taxii("application/taxii+json;version=2.1"));
        assert!(is_taxii("application/taxii+json; version=\"2.1\"; charset=utf-8"));
        assert!(is_taxii("Application/TAXII+json"));
        assert!(!is_taxii("application/taxii+json;version=2.0"));
        assert!(!is_taxii("application/json"));
        assert!(!is_taxii("text/html; charset=utf-8"));
    }

    #[test]
    fn urls() {
        assert_eq!(
            normalize_root("https://taxii.example.org/api1").ok(),
            Some((
                "https://taxii.example.org/api1/".to_string(),
                "taxii.example.org".to_string()
            ))
        );
        assert_eq!(
            normalize_root("http://[::1]:5000/a/").map(|r| r.1).ok(),
            Some("::1".to_string())
        );
        for bad in [
            "ftp://x/",
            "taxii.example.org/api1",
            "https://x/a?b=c",
            "https:///a",
        ] {
            assert!(matches!(normalize_root(bad), Err(Error::BadUrl { .. })), "{bad}");
        }
        let secret = normalize_root("https://me:hunter2@x/api/")
            .err()
            .map(|e| e.to_string());
        let secret = secret.unwrap_or_default();
        assert!(
            secret.contains("credentials in the URL") && !secret.contains("hunter2"),
            "{secret}"
        );
        assert_eq!(
            with_query(
                "u",
                &[
                    ("match[id]", "a,b".into()),
                    ("added_after", "2026-01-01T00:00:00+01:00".into())
                ]
            ),
            "u?match%5Bid%5D=a%2Cb&added_after=2026-01-01T00%3A00%3A00%2B01%3A00"
        );
    }
}
