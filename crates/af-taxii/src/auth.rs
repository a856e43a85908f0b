//! Credentials: HTTP Basic (user and password) or a Bearer token, found in environment
//! variables or a netrc file, never on the command line. The secret never appears in
//! `Debug` output or in messages; what is shown is where the credentials came from.

use base64::Engine as _;
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable holding a Bearer token.
pub const TOKEN_ENV: &str = "AFC_TAXII_TOKEN";
/// The environment variable holding the Basic user name.
pub const USER_ENV: &str = "AFC_TAXII_USER";
/// The environment variable holding the Basic password.
pub const PASSWORD_ENV: &str = "AFC_TAXII_PASSWORD";

#[derive(Clone)]
enum Secret {
    Basic { user: String, password: String },
    Bearer(String),
}

/// Credentials for one server, and where they were found.
#[derive(Clone)]
pub struct Credentials {
    secret: Secret,
    source: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("scheme", &self.scheme())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Why credentials could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// The environment variables are set inconsistently.
    Env(String),
    /// The netrc file exists but cannot be read or parsed.
    Netrc { path: PathBuf, message: String },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Env(m) => f.write_str(m),
            CredentialsError::Netrc { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for CredentialsError {}

impl Credentials {
    /// HTTP Basic credentials; `source` says where they came from (for messages).
    pub fn basic(user: &str, password: &str, source: &str) -> Credentials {
        Credentials {
            secret: Secret::Basic {
                user: user.to_string(),
                password: password.to_string(),
            },
            source: source.to_string(),
        }
    }

    /// A Bearer token; `source` says where it came from (for messages).
    pub fn bearer(token: &str, source: &str) -> Credentials {
        Credentials {
            secret: Secret::Bearer(token.to_string()),
            source: source.to_string(),
        }
    }

    /// `Basic` or `Bearer`.
    pub fn scheme(&self) -> &'static str {
        match self.secret {
            Secret::Basic { .. } => "Basic",
            Secret::Bearer(_) => "Bearer",
        }
    }

    /// Where the credentials were found: `AFC_TAXII_TOKEN`, `AFC_TAXII_USER and
    /// AFC_TAXII_PASSWORD`, or `/home/me/.netrc (machine taxii.example.org)`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The `Authorization` header value.
    pub(crate) fn header(&self) -> String {
        match &self.secret {
            Secret::Basic { user, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            ),
            Secret::Bearer(token) => format!("Bearer {token}"),
        }
    }

    /// The credentials for `host` from the process environment: `AFC_TAXII_TOKEN` (Bearer),
    /// else `AFC_TAXII_USER` and `AFC_TAXII_PASSWORD` (Basic), else the netrc file named by
    /// `NETRC` or `~/.netrc` (its `machine HOST` entry, else its `default` entry: `login` and
    /// `password` give Basic credentials, a `password` without `login` is a Bearer token).
    /// `None` when there are none: the requests go unauthenticated.
    pub fn find(host: &str) -> Result<Option<Credentials>, CredentialsError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let netrc = match env("NETRC") {
            Some(p) => Some(PathBuf::from(p)),
            None => env("HOME").map(|h| Path::new(&h).join(".netrc")),
        };
        let text = match &netrc {
            Some(path) => match std::fs::read_to_string(path) {
                Ok(t) => Some((path.clone(), t)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(CredentialsError::Netrc {
                        path: path.clone(),
                        message: e.to_string(),
                    })
                }
            },
            None => None,
        };
        Credentials::from_sources(host, env, text.as_ref().map(|(p, t)| (p.as_path(), t.as_str())))
    }

    /// [`Credentials::find`] with the environment and the netrc file (path and text) given.
    pub fn from_sources(
        host: &str,
        env: impl Fn(&str) -> Option<String>,
        netrc: Option<(&Path, &str)>,
    ) -> Result<Option<Credentials>, CredentialsError> {
        let (token, user, password) = (env(TOKEN_ENV), env(USER_ENV), env(PASSWORD_ENV));
        match (token, user, password) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(CredentialsError::Env(format!(
                "both {TOKEN_ENV} and {USER_ENV}/{PASSWORD_ENV} are set; set one kind of credentials"
            ))),
            (Some(token), None, None) => Ok(Some(Credentials::bearer(token.trim(), TOKEN_ENV))),
            (None, Some(user), Some(password)) => {
                if user.contains(':') {
                    return Err(CredentialsError::Env(format!(
                        "{USER_ENV} contains `:`, which HTTP Basic authentication cannot carry"
                    )));
                }
                Ok(Some(Credentials::basic(
                    &user,
                    &password,
                    &format!("{USER_ENV} and {PASSWORD_ENV}"),
                )))
            }
            (None, Some(_), None) => Err(CredentialsError::Env(format!(
                "{USER_ENV} is set but {PASSWORD_ENV} is not"
            ))),
            (None, None, Some(_)) => Err(CredentialsError::Env(format!(
                "{PASSWORD_ENV} is set but {USER_ENV} is not"
            ))),
            (None, None, None) => match netrc {
                Some((path, text)) => from_netrc(host, path, text),
                None => Ok(None),
            },
        }
    }
}

/// One `machine` (or `default`) entry of a netrc file.
#[derive(Default)]
struct Entry {
    machine: Option<String>,
    login: Option<String>,
    password: Option<String>,
}

/// The entry for `host` in a netrc file: `machine NAME login USER password SECRET`, tokens
/// separated by any white space, `default` for any other host, `account` ignored, `macdef`
/// bodies (up to the next empty line) skipped.
fn from_netrc(host: &str, path: &Path, text: &str) -> Result<Option<Credentials>, CredentialsError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut lines = text.lines();
    let fail = |message: String| CredentialsError::Netrc {
        path: path.to_path_buf(),
        message,
    };
    while let Some(line) = lines.next() {
        let mut words = line.split_whitespace();
        while let Some(word) = words.next() {
            let mut value = |what: &str| {
                words
                    .next()
                    .map(str::to_string)
                    .ok_or_else(|| fail(format!("`{what}` needs a value on the same line")))
            };
            match word {
                "machine" => entries.push(Entry {
                    machine: Some(value("machine")?),
                    ..Entry::default()
                }),
                "default" => entries.push(Entry::default()),
                "login" | "password" | "account" => {
                    let v = value(word)?;
                    let Some(entry) = entries.last_mut() else {
                        return Err(fail(format!("`{word}` before any `machine` or `default`")));
                    };
                    match word {
                        "login" => entry.login = Some(v),
                        "password" => entry.password = Some(v),
                        _ => {}
                    }
                }
                "macdef" => {
                    for l in lines.by_ref() {
                        if l.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                w if w.starts_with('#') => break,
                _ => {}
            }
        }
    }
    let host = host.to_ascii_lowercase();
    let entry = entries
        .iter()
        .find(|e| {
            e.machine
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(&host))
        })
        .or_else(|| entries.iter().find(|e| e.machine.is_none()));
    let Some(entry) = entry else { return Ok(None) };
    let source = match &entry.machine {
        Some(m) => format!("{} (machine {m})", path.display()),
        None => format!("{} (default)", path.display()),
    };
    match (&entry.login, &entry.password) {
        (Some(user), Some(password)) => Ok(Some(Credentials::basic(user, password, &source))),
        (None, Some(token)) => Ok(Some(Credentials::bearer(token, &source))),
        (Some(_), None) => Err(fail(format!(
            "the entry for {host} has a `login` but no `password`"
        ))),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    const NETRC: &str = "# taxii servers\nmachine other.example login x password y\n\
        machine TAXII.example.org\n  login analyst\n  password s3cret\n\
        macdef init\nmachine evil login z password z\n\n\
        machine tokens.example password tok-123\ndefault login anon password anon\n";

    fn from_file(host: &str) -> Option<Credentials> {
        Credentials::from_sources(host, env(&[]), Some((Path::new("/home/me/.netrc"), NETRC)))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn environment_variables_come_first() {
        let c = Credentials::from_sources("h", env(&[(TOKEN_ENV, "abc")]), Some((Path::new("n"), NETRC)));
        let c = c.ok().flatten().map(|c| (c.header(), c.source().to_string()));
        assert_eq!(c, Some(("Bearer abc".into(), TOKEN_ENV.into())));
        let c = Credentials::from_sources("h", env(&[(USER_ENV, "u"), (PASSWORD_ENV, "p")]), None);
        // base64("u:p")
        assert_eq!(c.ok().flatten().map(|c| c.header()), Some("Basic dTpw".into()));
    }

    #[test]
    fn inconsistent_environment_is_an_error_that_names_no_secret() {
        for vars in [
            vec![(TOKEN_ENV, "t"), (USER_ENV, "u")],
            vec![(USER_ENV, "u")],
            vec![(PASSWORD_ENV, "hunter2")],
            vec![(USER_ENV, "a:b"), (PASSWORD_ENV, "hunter2")],
        ] {
            let e = Credentials::from_sources("h", env(&vars), None).err();
            let msg = e.map(|e| e.to_string()).unwrap_or_default();
            assert!(msg.contains("AFC_TAXII_"), "{msg}");
            assert!(!msg.contains("hunter2"), "{msg}");
        }
    }

    #[test]
    fn netrc_entries_match_the_host() {
        let c = from_file("taxii.example.org").map(|c| (c.scheme(), c.header(), c.source().to_string()));
        assert_eq!(
            c,
            Some((
                "Basic",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode("analyst:s3cret")
                ),
                "/home/me/.netrc (machine TAXII.example.org)".into()
            ))
        );
        // A password without a login is a token; macdef bodies are skipped.
        assert_eq!(
            from_file("tokens.example").map(|c| c.header()),
            Some("Bearer tok-123".into())
        );
        assert_eq!(
            from_file("evil").map(|c| c.source().to_string()),
            Some("/home/me/.netrc (default)".into())
        );
        let none = Credentials::from_sources(
            "h",
            env(&[]),
            Some((Path::new("n"), "machine a login b password c")),
        );
        assert!(matches!(none, Ok(None)));
        let bad = Credentials::from_sources("h", env(&[]), Some((Path::new("n"), "login b")));
        assert!(matches!(bad, Err(CredentialsError::Netrc { .. })));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let c = Credentials::basic("analyst", "hunter2", "test");
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("analyst"),
            "{shown}"
        );
        let shown = format!("{:?}", Credentials::bearer("tok-123", "test"));
        assert!(!shown.contains("tok-123"), "{shown}");
    }
}
