//! The client against a tiny scripted HTTP server on 127.0.0.1: pagination (`next` and
//! `X-TAXII-Date-Added-Last`), retries with backoff, status polling, and the mapping of
//! every error status to a clear message.

use af_taxii::{Client, Credentials, Error, ObjectsFilter, Settings};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    /// Path and query, still percent-encoded.
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// A query parameter, decoded.
    fn param(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (decode(k) == name).then(|| decode(v))
        })
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the server does with a request.
enum Reply {
    /// Status, content type, extra headers, body.
    Http(u16, &'static str, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Close,
}

fn taxii(status: u16, body: Value) -> Reply {
    Reply::Http(
        status,
        "application/taxii+json;version=2.1",
        Vec::new(),
        body.to_string(),
    )
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A scripted HTTP/1.1 server on 127.0.0.1 that records every request; it stops when dropped.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Server {
    fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: a test never makes more than a few hundred requests.
                for stream in listener.incoming().take(500) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &*handler, &requests);
                    }
                }
            });
        }
        Server {
            url: format!("http://{addr}/api1/"),
            requests,
            stop,
            addr,
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, handler: &Handler, requests: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let request = Request {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let reply = handler(&request);
    if let Ok(mut r) = requests.lock() {
        r.push(request);
    }
    let mut stream = stream;
    match reply {
        Reply::Close => {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Reply::Http(status, content_type, extra, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    }
}

fn settings() -> Settings {
    Settings {
        timeout: Duration::from_secs(5),
        retries: 2,
        backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        poll_interval: Duration::from_millis(5),
        wait: Duration::from_secs(5),
        ..Settings::default()
    }
}

fn client(server: &Server, credentials: Option<Credentials>) -> Client {
    Client::new(&server.url, credentials, settings()).unwrap_or_else(|e| panic!("{e}"))
}

fn ids(objects: &[serde_json::Map<String, Value>]) -> Vec<String> {
    objects
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

#[test]
fn pages_are_followed_with_next_and_the_same_filter() {
    let server = Server::start(|r| {
        let page = r.param("next").unwrap_or_default();
        let (objects, more, next) = match page.as_str() {
            "" => (json!([{"id": "a"}, {"id": "b"}]), true, "p2"),
            "p2" => (json!([{"id": "c"}]), true, "p3"),
            _ => (json!([{"id": "d"}]), false, ""),
        };
        let mut body = json!({"more": more, "objects": objects});
        if more {
            body["next"] = json!(next);
        }
        taxii(200, body)
    });
    let mut pages_seen = Vec::new();
    let filter = ObjectsFilter {
        added_after: Some("2026-01-01T00:00:00.000Z".into()),
        limit: Some(2),
    };
    let objects = client(&server, None)
        .objects("coll 1", &filter, &mut |n, p| pages_seen.push((n, p)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&objects), ["a", "b", "c", "d"]);
    assert_eq!(pages_seen, [(2, 1), (3, 2), (4, 3)]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.path(), "/api1/collections/coll%201/objects/");
        assert_eq!(
            r.param("added_after").as_deref(),
            Some("2026-01-01T00:00:00.000Z")
        );
        assert_eq!(r.param("limit").as_deref(), Some("2"));
        assert_eq!(r.header("accept"), Some("application/taxii+json;version=2.1"));
        assert_eq!(r.header("authorization"), None);
    }
    assert_eq!(requests[1].param("next").as_deref(), Some("p2"));
}

#[test]
fn without_next_the_date_added_header_moves_the_window() {
    let server = Server::start(|r| match r.param("added_after").as_deref() {
        None => Reply::Http(
            200,
            "application/taxii+json;version=2.1",
            vec![("X-TAXII-Date-Added-Last", "2026-01-02T00:00:00.000Z".into())],
            json!({"more": true, "objects": [{"id": "a"}]}).to_string(),
        ),
        Some("2026-01-02T00:00:00.000Z") => taxii(200, json!({"more": false, "objects": [{"id": "b"}]})),
        Some(_) => taxii(500, json!({})),
    });
    let objects = client(&server, None)
        .objects("c", &ObjectsFilter::default(), &mut |_, _| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&objects), ["a", "b"]);
}

#[test]
fn a_server_that_never_ends_is_an_error() {
    let server = Server::start(|_| taxii(200, json!({"more": true, "objects": [{"id": "a"}]})));
    let e = client(&server, None).objects("c", &ObjectsFilter::default(), &mut |_, _| {});
    let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("neither `next` nor X-TAXII-Date-Added-Last"),
        "{msg}"
    );
    let server = Server::start(|_| taxii(200, json!({"more": true, "next": "x", "objects": []})));
    let e = client(&server, None).objects("c", &ObjectsFilter::default(), &mut |_, _| {});
    let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("sends nothing"), "{msg}");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn busy_servers_are_tried_again() {
    let count = Arc::new(Mutex::new(0));
    let c = count.clone();
    let server = Server::start(move |_| {
        let mut n = c.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        match *n {
            1 => Reply::Http(
                429,
                "text/plain",
                vec![("Retry-After", "0".into())],
                "slow down".into(),
            ),
            2 => taxii(503, json!({"title": "Unavailable"})),
            _ => taxii(
                200,
                json!({"title": "API 1", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 1000}),
            ),
        }
    });
    let root = client(&server, None).api_root().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(root.title, "API 1");
    assert_eq!(root.max_content_length, Some(1000));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn retries_end_with_a_clear_error() {
    let server = Server::start(|_| {
        taxii(
            500,
            json!({"title": "InternalError", "description": "boom\nagain"}),
        )
    });
    let e = client(&server, None).api_root().err();
    assert_eq!(server.requests().len(), 3, "one try and two retries");
    let msg = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("HTTP 500 after 3 tries") && msg.contains("InternalError: boom again"),
        "{msg}"
    );

    let server = Server::start(|_| Reply::Close);
    let e = client(&server, None).api_root().err();
    assert_eq!(server.requests().len(), 3);
    assert!(matches!(e, Some(Error::Transport { tries: 3, .. })), "{e:?}");
    let msg = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("closed the connection"), "{msg}");
}

#[test]
fn a_refused_connection_names_the_host() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(1)
    };
    let c = Client::new(&format!("http://127.0.0.1:{port}/api1"), None, settings())
        .unwrap_or_else(|e| panic!("{e}"));
    let msg = c.api_root().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("127.0.0.1") && msg.contains("after 3 tries"),
        "{msg}"
    );
}

#[test]
fn error_statuses_say_what_to_do() {
    let server = Server::start(|r| match (r.method.as_str(), r.path()) {
        (_, "/api1/") => taxii(
            200,
            json!({"title": "A", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 10}),
        ),
        (_, "/api1/collections/") => taxii(
            200,
            json!({"collections": [{"id": "c1", "title": "Flows", "can_read": true, "can_write": true}]}),
        ),
        (_, "/api1/collections/locked/") => {
            taxii(403, json!({"title": "Forbidden to read collection 'locked'"}))
        }
        (_, "/api1/collections/html/") => Reply::Http(
            200,
            "text/html; charset=utf-8",
            Vec::new(),
            "<html>login</html>".into(),
        ),
        ("POST", "/api1/collections/c1/objects/") => taxii(
            413,
            json!({"title": "Content-Length header not valid or exceeds maximum!"}),
        ),
        ("POST", "/api1/collections/json/objects/") => taxii(415, json!({})),
        ("GET", "/api1/collections/secret/") => taxii(401, json!({"title": "Unauthorized"})),
        _ => taxii(404, json!({"title": "not found"})),
    });
    let c = client(
        &server,
        Some(Credentials::basic(
            "analyst",
            "hunter2",
            "AFC_TAXII_USER and AFC_TAXII_PASSWORD",
        )),
    );
    let msg = |e: Result<af_taxii::Collection, Error>| e.err().map(|e| e.to_string()).unwrap_or_default();

    let m = msg(c.collection("secret"));
    assert!(
        m.contains("401") && m.contains("refused the credentials from AFC_TAXII_USER and AFC_TAXII_PASSWORD"),
        "{m}"
    );
    assert!(!m.contains("hunter2") && !m.contains("analyst"), "{m}");
    let m = msg(c.collection("locked"));
    assert!(
        m.contains("403 Forbidden") && m.contains("Forbidden to read collection 'locked'"),
        "{m}"
    );
    let m = msg(c.collection("nope"));
    assert!(
        m.contains("404 Not Found: no collection `nope` here") && m.contains("this API root has c1 (Flows)"),
        "{m}"
    );
    let m = msg(c.collection("html"));
    assert!(
        m.contains("`text/html; charset=utf-8`, not TAXII 2.1 JSON"),
        "{m}"
    );

    let e = c.add_objects("c1", &[json!({"id": "x"})]).err();
    let m = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        m.contains("413") && m.contains("request of 24 bytes") && m.contains("at most 10 bytes"),
        "{m}"
    );
    let e = c.add_objects("json", &[json!({"id": "x"})]).err();
    let m = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(m.contains("415 Unsupported Media Type"), "{m}");

    // Every request carried the credentials; a Basic header is base64 of user:password.
    for r in server.requests() {
        assert_eq!(r.header("authorization"), Some("Basic YW5hbHlzdDpodW50ZXIy"));
    }
    let unauthenticated = client(&server, None);
    let m = msg(unauthenticated.collection("secret"));
    assert!(
        m.contains("the server wants credentials") && m.contains("AFC_TAXII_TOKEN"),
        "{m}"
    );
}

#[test]
fn a_discovery_url_is_told_apart_from_an_api_root() {
    let server = Server::start(|_| {
        taxii(
            200,
            json!({"title": "Server", "api_roots": ["http://127.0.0.1/api1/", "http://127.0.0.1/api2/"]}),
        )
    });
    let m = client(&server, None)
        .api_root()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        m.contains("discovery resource") && m.contains("http://127.0.0.1/api2/"),
        "{m}"
    );
    let server = Server::start(|_| {
        taxii(
            200,
            json!({"title": "Old", "versions": ["application/taxii+json;version=2.0"]}),
        )
    });
    let m = client(&server, None)
        .api_root()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(m.contains("does not offer TAXII 2.1"), "{m}");
}

#[test]
fn adding_objects_posts_an_envelope_and_follows_the_status() {
    let polls = Arc::new(Mutex::new(0));
    let p = polls.clone();
    let server = Server::start(move |r| match (r.method.as_str(), r.path()) {
        ("POST", "/api1/collections/c1/objects/") => taxii(
            202,
            json!({"id": "s1", "status": "pending", "total_count": 2, "success_count": 0, "failure_count": 0, "pending_count": 2}),
        ),
        ("GET", "/api1/status/s1/") => {
            let mut n = p.lock().unwrap_or_else(|e| e.into_inner());
            *n += 1;
            if *n < 3 {
                taxii(
                    200,
                    json!({"id": "s1", "status": "pending", "total_count": 2, "pending_count": 2}),
                )
            } else {
                taxii(
                    200,
                    json!({"id": "s1", "status": "complete", "total_count": 2, "success_count": 1, "failure_count": 1,
                    "successes": [{"id": "a", "version": "v"}],
                    "failures": [{"id": "b", "version": "v", "message": "Unable to process object"}]}),
                )
            }
        }
        _ => taxii(404, json!({})),
    });
    let c = client(&server, Some(Credentials::bearer("tok", "AFC_TAXII_TOKEN")));
    let status = c
        .add_objects("c1", &[json!({"id": "a"}), json!({"id": "b"})])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!status.is_complete());
    let done = c.wait(status).unwrap_or_else(|e| panic!("{e}"));
    assert!(done.is_complete());
    assert_eq!((done.success_count, done.failure_count), (1, 1));
    assert_eq!(
        done.failures[0].message.as_deref(),
        Some("Unable to process object")
    );
    let requests = server.requests();
    let post = &requests[0];
    assert_eq!(
        post.header("content-type"),
        Some("application/taxii+json;version=2.1")
    );
    assert_eq!(post.header("authorization"), Some("Bearer tok"));
    let envelope: Value = serde_json::from_str(&post.body).unwrap_or_default();
    assert_eq!(envelope, json!({"objects": [{"id": "a"}, {"id": "b"}]}));
    assert_eq!(requests.len(), 4, "one post and three looks at the status");
}
