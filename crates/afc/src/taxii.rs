//! What `afc publish` and `afc pull` share: the server flags, the credentials, and the
//! connection checks made before anything is sent or written.

use crate::output;
use af_taxii::{Client, Collection, Credentials, Settings};
use std::time::Duration;

/// The flags that name a TAXII collection and say how to talk to its server.
#[derive(clap::Args, Debug)]
pub struct Server {
    /// The TAXII 2.1 API root, e.g. https://taxii.example.org/api1/. Credentials never go
    /// here: they come from AFC_TAXII_TOKEN (Bearer), AFC_TAXII_USER and AFC_TAXII_PASSWORD
    /// (Basic), or the netrc file (NETRC or ~/.netrc).
    #[arg(long = "taxii", value_name = "URL", env = "AFC_TAXII_URL")]
    pub url: String,
    /// The id of the collection.
    #[arg(long, value_name = "ID", env = "AFC_TAXII_COLLECTION")]
    pub collection: String,
    /// The longest one request may take, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// How many times a request is tried again after 429, 5xx or a broken connection (with
    /// backoff: 0.5 s, 1 s, 2 s, …, or what the server's Retry-After says).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
}

/// What the command will do with the collection.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Finds the credentials, checks the API root and the collection, and returns the client
/// and the collection. `wait` is how long to wait for the server to finish adding objects.
pub fn connect(server: &Server, access: Access, wait: Duration) -> Result<(Client, Collection), String> {
    let settings = Settings {
        timeout: Duration::from_secs(server.timeout.max(1)),
        retries: server.retries,
        wait,
        user_agent: format!("afc/{}", env!("CARGO_PKG_VERSION")),
        ..Settings::default()
    };
    // Checked before the credentials are looked up, so a bad URL says so first.
    let probe = Client::new(&server.url, None, settings.clone()).map_err(|e| e.to_string())?;
    let credentials = Credentials::find(probe.host()).map_err(|e| format!("credentials: {e}"))?;
    if credentials.is_some() && server.url.starts_with("http://") && !is_loopback(probe.host()) {
        output::say!(
            "warning: credentials go unencrypted to {} over http://; use https://",
            probe.host()
        );
    }
    let client = Client::new(&server.url, credentials, settings).map_err(|e| e.to_string())?;
    client.api_root().map_err(|e| e.to_string())?;
    let collection = client.collection(&server.collection).map_err(|e| e.to_string())?;
    let name = if collection.title.is_empty() {
        format!("collection `{}`", collection.id)
    } else {
        format!("collection `{}` ({})", collection.id, collection.title)
    };
    match access {
        Access::Read if !collection.can_read => Err(format!("{name}: these credentials may not read it")),
        Access::Write if !collection.can_write => Err(format!("{name}: these credentials may not add to it")),
        _ => Ok((client, collection)),
    }
}
