//! A small blocking client for TAXII 2.1 (OASIS, 2021): what `afc publish` and `afc pull`
//! need to exchange STIX objects with a threat-intelligence server.
//!
//! - [`Client`] talks to one API root: its information ([`Client::api_root`]), its collections
//!   ([`Client::collection`]), the objects of a collection across every page
//!   ([`Client::objects`], following `more`/`next`, or `X-TAXII-Date-Added-Last` when a server
//!   gives no `next`), adding objects in an envelope ([`Client::add_objects`]) and following the
//!   status resource until the server is done ([`Client::wait`]), and the manifest
//!   ([`Client::manifest`]).
//! - [`Credentials`] come from environment variables or a netrc file ([`Credentials::find`]),
//!   never from arguments; they are sent as HTTP Basic or Bearer authorization and never
//!   appear in messages or `Debug` output.
//! - Transport: HTTPS through rustls (no OpenSSL), Mozilla's root certificates or the bundle
//!   named by `SSL_CERT_FILE`; proxies from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and
//!   `NO_PROXY`; a timeout per request; retries with exponential backoff (honouring
//!   `Retry-After`) on 429, 500, 502, 503, 504 and on connections that fail or close early.
//! - Every failure is an [`Error`] that says what happened in words a user can act on: wrong
//!   credentials (401), no permission (403), no such API root or collection (404), a request
//!   too large (413), a media type the server refuses (406, 415), a response that is not TAXII
//!   2.1 JSON.
//!
//! This crate must not know about Attack Flow, the `.af` language, files or the terminal: it
//! moves STIX objects as JSON values and reports what the server said. What to send and what
//! to do with what comes back is the caller's business.

mod auth;
mod client;
mod error;

pub use auth::{Credentials, CredentialsError, PASSWORD_ENV, TOKEN_ENV, USER_ENV};
pub use client::{
    ApiRoot, Client, Collection, ManifestRecord, ObjectsFilter, Settings, Status, StatusDetail,
    DEFAULT_PAGE_SIZE,
};
pub use error::Error;

/// The TAXII 2.1 media type, sent in `Accept` and `Content-Type`.
pub const MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
