//! The protocol layer: the document store, settings, and one handler per LSP method. Each
//! handler finds the snapshot, runs the feature function on the blocking pool under
//! `catch_unwind`, and converts the result.
//!
//! Scheduling keeps time and memory bounded whatever the client sends:
//! - one snapshot per document version, computed once by whoever needs it first;
//! - at most one check per document at a time: edits that arrive while a document is being
//!   checked are coalesced, and the check then starts over on the newest text, so a burst
//!   of edits costs one or two checks, not one per edit;
//! - at most [`CHECK_LANES`] checks run at once, on a pool of [`WORKER_THREADS`] threads
//!   (set by `run_stdio`), so requests always find a free thread;
//! - completion does not wait for a check: when the current version's snapshot is not ready
//!   it uses a syntax-only snapshot ([`Depth::Syntax`]) of that version.

use crate::convert;
use crate::snapshot::{Config, Depth, Snapshot};

#[path = "defend_server.rs"]
mod defend_server;
use crate::{actions, completion, folding, format, hover, inlay, navigate, semantic, stix, symbols};
use af_catalog::{Catalog, CatalogKind};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{OnceCell, Semaphore};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, ClientSocket, LanguageServer, LspService};

/// The command that returns a document's STIX bundle (same answer as `afc/compiledStix`).
pub const SHOW_STIX_COMMAND: &str = "afc.showStix";
/// The custom request for a document's STIX bundle.
pub const COMPILED_STIX_METHOD: &str = "afc/compiledStix";
/// A request that panics inside a feature, to test that the server survives; only answered
/// when [`ServerOptions::debug_requests`] is set.
pub const DEBUG_PANIC_METHOD: &str = "afc/debugPanic";
/// A request that holds back (`{ "held": true }`) or lets go (`{ "held": false }`) every full
/// check, and answers how many snapshots of each depth were computed so far; only answered
/// when [`ServerOptions::debug_requests`] is set. Tests use it to show what waits for a check
/// and what does not.
pub const DEBUG_CHECKS_METHOD: &str = "afc/debugChecks";

/// Worker threads for checks and features (the size of the runtime's blocking pool).
pub const WORKER_THREADS: usize = 4;
/// How many documents may be checked at once; the other workers stay free for requests.
pub const CHECK_LANES: usize = 2;

/// How the server is built.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerOptions {
    /// Answer the debugging requests (tests only).
    pub debug_requests: bool,
}

/// The settings a client sends (`initializationOptions` or `workspace/didChangeConfiguration`),
/// either bare or under an `afc` key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// An ATT&CK STIX bundle to check against instead of the embedded ATT&CK.
    pub attack_bundle: Option<String>,
    /// Which catalogs completion offers (`attack`, `atlas`, `d3fend`, `f3`); all when absent
    /// or empty.
    pub catalogs: Option<Vec<String>>,
    /// Report warnings as errors.
    pub warnings_as_errors: Option<bool>,
    /// Detection sources (folders of Sigma rules, Navigator layers, id lists) for coverage
    /// on hover and undetected choke points; relative to the first workspace folder.
    pub detections: Option<Vec<String>>,
}

impl Settings {
    /// Reads settings from a client's JSON, bare or under `afc`. `None` when there is nothing
    /// that looks like settings: `null` (what LSP 3.17 answers to `workspace/configuration`
    /// for a section the client has no settings for, and what Eglot sends), `{}`,
    /// `{ "afc": null }`, or anything that is not an object.
    pub fn from_json(v: &Json) -> Option<std::result::Result<Settings, String>> {
        let wrapped = v.get("afc");
        match wrapped.unwrap_or(v) {
            Json::Null => None,
            Json::Object(m) if m.is_empty() => None,
            Json::Object(m) => Some(
                serde_json::from_value(Json::Object(m.clone()))
                    .map_err(|e| format!("invalid afc settings: {e}")),
            ),
            other if wrapped.is_some() => Some(Err(format!(
                "invalid afc settings: expected an object under `afc`, found {other}"
            ))),
            _ => None,
        }
    }
}

/// Parameters of `afc/compiledStix`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CompiledStixParams {
    /// The document.
    pub uri: lsp::Uri,
}

/// Parameters of `afc/debugChecks`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DebugChecksParams {
    /// Hold back full checks (`true`), let them go (`false`), or leave as is (absent).
    pub held: Option<bool>,
}

/// The answer of `afc/debugChecks`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DebugChecks {
    /// Full snapshots computed so far (each one parse, check and model of a version).
    pub full: usize,
    /// Syntax-only snapshots computed so far (for completion).
    pub syntax: usize,
}

/// The answer of `afc/compiledStix` and `afc.showStix`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CompiledStix {
    /// The bundle, or `null` when the document has errors.
    pub stix: Option<String>,
    /// The document's diagnostics.
    pub diagnostics: Vec<lsp::Diagnostic>,
}

type Cell = Arc<OnceCell<Arc<Snapshot>>>;

struct Doc {
    text: Arc<String>,
    version: i32,
    /// The snapshot of `version`, computed once by whoever needs it first.
    cell: Cell,
    /// A syntax-only snapshot of `version`, for completion while `cell` is not ready.
    quick: Cell,
    /// A check task is running for this document.
    checking: bool,
    /// The document changed (or the settings did) since the running check started.
    dirty: bool,
}

impl Doc {
    fn new(text: String, version: i32) -> Doc {
        Doc {
            text: Arc::new(text),
            version,
            cell: Cell::default(),
            quick: Cell::default(),
            checking: false,
            dirty: false,
        }
    }

    /// Forgets the snapshots (the text or the settings changed); returns the old ones, to be
    /// dropped off the async thread.
    fn invalidate(&mut self) -> (Cell, Cell) {
        (std::mem::take(&mut self.cell), std::mem::take(&mut self.quick))
    }
}

struct Shared {
    docs: Mutex<HashMap<lsp::Uri, Doc>>,
    config: Mutex<Arc<Config>>,
    /// The bundle path the current catalog was loaded from.
    bundle: Mutex<Option<String>>,
    /// Settings from `initializationOptions`, applied once initialized.
    initial: Mutex<Option<Json>>,
    /// The client answers `workspace/configuration`.
    pull_config: Mutex<bool>,
    /// Permits for running checks ([`CHECK_LANES`]).
    check_lanes: Semaphore,
    /// While true, full snapshots wait (`afc/debugChecks`, tests only).
    held: tokio::sync::watch::Sender<bool>,
    /// Snapshots computed: full, syntax-only.
    computed: [AtomicUsize; 2],
    /// Detection sources and their watcher.
    defend: Mutex<defend_server::State>,
}

/// The language server.
pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
    options: ServerOptions,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Builds the service and the client socket for [`tower_lsp_server::Server`].
pub fn service(options: ServerOptions) -> (LspService<Backend>, ClientSocket) {
    LspService::build(|client| Backend {
        client,
        shared: Arc::new(Shared {
            docs: Mutex::new(HashMap::new()),
            config: Mutex::new(Arc::new(Config::default())),
            bundle: Mutex::new(None),
            initial: Mutex::new(None),
            pull_config: Mutex::new(false),
            check_lanes: Semaphore::new(CHECK_LANES),
            held: tokio::sync::watch::Sender::new(false),
            computed: Default::default(),
            defend: Mutex::default(),
        }),
        options,
    })
    .custom_method(COMPILED_STIX_METHOD, Backend::compiled_stix)
    .custom_method(DEBUG_PANIC_METHOD, Backend::debug_panic)
    .custom_method(DEBUG_CHECKS_METHOD, Backend::debug_checks)
    .finish()
}

impl Backend {
    fn config(&self) -> Arc<Config> {
        lock(&self.shared.config).clone()
    }

    /// The snapshot of a document's current version, computed at most once per version.
    async fn snapshot(&self, uri: &lsp::Uri) -> Option<Arc<Snapshot>> {
        let (text, version, cell) = {
            let docs = lock(&self.shared.docs);
            let d = docs.get(uri)?;
            (d.text.clone(), d.version, d.cell.clone())
        };
        Some(compute(&self.shared, &cell, text, version, self.config(), Depth::Full).await)
    }

    /// What completion reads: the current version's snapshot when it is ready, else a
    /// syntax-only snapshot of that version (computed at most once), so completion never
    /// waits for a check.
    async fn quick_snapshot(&self, uri: &lsp::Uri) -> Option<Arc<Snapshot>> {
        let (text, version, cell, quick) = {
            let docs = lock(&self.shared.docs);
            let d = docs.get(uri)?;
            (d.text.clone(), d.version, d.cell.clone(), d.quick.clone())
        };
        if let Some(full) = cell.get() {
            return Some(full.clone());
        }
        Some(compute(&self.shared, &quick, text, version, self.config(), Depth::Syntax).await)
    }

    /// Runs a feature on a document's snapshot off the async thread, turning a panic into an
    /// error answer (and a log line) instead of a dead server.
    async fn run<T, F>(&self, uri: &lsp::Uri, name: &'static str, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot) -> Option<T> + Send + 'static,
    {
        let Some(snap) = self.snapshot(uri).await else {
            return Ok(None);
        };
        self.run_on(snap, name, f).await
    }

    async fn run_on<T, F>(&self, snap: Arc<Snapshot>, name: &'static str, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot) -> Option<T> + Send + 'static,
    {
        let job = tokio::task::spawn_blocking(move || catch_unwind(AssertUnwindSafe(|| f(&snap))));
        let why = match job.await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(payload)) => panic_text(payload.as_ref()),
            Err(e) => e.to_string(),
        };
        self.client
            .log_message(
                lsp::MessageType::ERROR,
                format!("afc: {name} crashed ({why}); this is a bug, please report it"),
            )
            .await;
        Err(Error {
            code: ErrorCode::InternalError,
            message: format!("{name} failed inside afc").into(),
            data: None,
        })
    }

    /// Checks a document in the background and publishes its diagnostics. A document has at
    /// most one check task: when one is running, it is told to go round again, and then
    /// checks the newest version; diagnostics of a version replaced meanwhile are dropped.
    fn check_later(&self, uri: lsp::Uri) {
        {
            let mut docs = lock(&self.shared.docs);
            let Some(doc) = docs.get_mut(&uri) else { return };
            doc.dirty = true;
            if doc.checking {
                return;
            }
            doc.checking = true;
        }
        let me = Backend {
            client: self.client.clone(),
            shared: self.shared.clone(),
            options: self.options,
        };
        tokio::spawn(async move {
            let current = |v: i32| lock(&me.shared.docs).get(&uri).is_some_and(|d| d.version == v);
            loop {
                let version = {
                    let mut docs = lock(&me.shared.docs);
                    let Some(doc) = docs.get_mut(&uri) else { return };
                    if !doc.dirty {
                        doc.checking = false;
                        return;
                    }
                    doc.dirty = false;
                    doc.version
                };
                let Ok(lane) = me.shared.check_lanes.acquire().await else {
                    return;
                };
                let Some(snap) = me.snapshot(&uri).await else {
                    return;
                };
                if snap.version != version || !current(version) {
                    continue;
                }
                drop(lane);
                // Completion reads the full snapshot from now on: free the syntax-only one.
                let quick = lock(&me.shared.docs)
                    .get_mut(&uri)
                    .filter(|d| d.version == version)
                    .map(|d| std::mem::take(&mut d.quick));
                tokio::task::spawn_blocking(move || drop(quick));
                let target = uri.clone();
                let diags = tokio::task::spawn_blocking(move || convert::diagnostics(&target, &snap))
                    .await
                    .unwrap_or_default();
                if current(version) {
                    me.client
                        .publish_diagnostics(uri.clone(), diags, Some(version))
                        .await;
                }
            }
        });
    }

    /// Replaces every document's snapshot (settings changed) and checks them again.
    fn recheck_all(&self) {
        let (uris, old): (Vec<lsp::Uri>, Vec<(Cell, Cell)>) = {
            let mut docs = lock(&self.shared.docs);
            let old = docs.values_mut().map(Doc::invalidate).collect();
            (docs.keys().cloned().collect(), old)
        };
        tokio::task::spawn_blocking(move || drop(old));
        for uri in uris {
            self.check_later(uri);
        }
    }

    /// Applies settings: loads an ATT&CK bundle when its path changed, picks catalogs.
    async fn apply_settings(&self, settings: Settings) {
        let mut config = (*self.config()).clone();
        if let Some(w) = settings.warnings_as_errors {
            config.warnings_as_errors = w;
        }
        if let Some(names) = &settings.catalogs {
            let mut kinds = Vec::new();
            for n in names {
                match CatalogKind::from_code(n) {
                    Some(k) => kinds.push(k),
                    None => {
                        self.client
                            .show_message(
                                lsp::MessageType::WARNING,
                                format!(
                                    "afc: unknown catalog `{n}` in settings (use attack, atlas, d3fend, f3)"
                                ),
                            )
                            .await
                    }
                }
            }
            // An empty list (the editors' default) means every catalog, as does a list
            // whose names were all unknown (reported above).
            config.catalogs = if kinds.is_empty() {
                CatalogKind::ALL.to_vec()
            } else {
                kinds
            };
        }
        if let Some(sources) = &settings.detections {
            self.apply_detections(sources, &mut config).await;
        }
        let wanted = settings.attack_bundle.filter(|p| !p.trim().is_empty());
        let loaded = lock(&self.shared.bundle).clone();
        if wanted != loaded {
            match &wanted {
                None => config.catalog = None,
                Some(path) => {
                    let p = std::path::PathBuf::from(path);
                    let job = tokio::task::spawn_blocking(move || Catalog::from_attack_bundle_file(&p));
                    match job.await {
                        Ok(Ok(c)) => {
                            config.catalog = Some(Arc::new(c));
                            self.client
                                .log_message(
                                    lsp::MessageType::INFO,
                                    format!("afc: checking against the ATT&CK bundle {path}"),
                                )
                                .await;
                        }
                        Ok(Err(e)) => {
                            self.client
                                .show_message(
                                    lsp::MessageType::ERROR,
                                    format!("afc: cannot load the ATT&CK bundle {path}: {e}; using the embedded ATT&CK"),
                                )
                                .await;
                            config.catalog = None;
                        }
                        Err(_) => config.catalog = None,
                    }
                }
            }
            *lock(&self.shared.bundle) = if config.catalog.is_some() { wanted } else { None };
        }
        *lock(&self.shared.config) = Arc::new(config);
        self.recheck_all();
    }

    async fn settings_from_json(&self, v: &Json) -> bool {
        match Settings::from_json(v) {
            Some(Ok(s)) => {
                self.apply_settings(s).await;
                true
            }
            Some(Err(e)) => {
                self.client
                    .show_message(lsp::MessageType::ERROR, format!("afc: {e}"))
                    .await;
                true
            }
            None => false,
        }
    }

    fn stix_answer(uri: lsp::Uri) -> impl FnOnce(&Snapshot) -> Option<CompiledStix> {
        move |s| {
            Some(CompiledStix {
                stix: stix::compiled_stix(s),
                diagnostics: convert::diagnostics(&uri, s),
            })
        }
    }

    /// `afc/compiledStix`: the bundle of a document and its diagnostics.
    pub async fn compiled_stix(&self, params: CompiledStixParams) -> Result<Option<CompiledStix>> {
        let uri = params.uri.clone();
        self.run(&params.uri, "compiledStix", Self::stix_answer(uri))
            .await
    }

    /// `afc/debugPanic`: panics inside a feature (only with `debug_requests`).
    pub async fn debug_panic(&self, params: CompiledStixParams) -> Result<Option<bool>> {
        if !self.options.debug_requests {
            return Err(Error::method_not_found());
        }
        self.run(&params.uri, "debugPanic", |_| -> Option<bool> {
            panic!("requested by afc/debugPanic")
        })
        .await
    }

    /// `afc/debugChecks`: holds or releases full checks and counts snapshots (only with
    /// `debug_requests`).
    pub async fn debug_checks(&self, params: DebugChecksParams) -> Result<DebugChecks> {
        if !self.options.debug_requests {
            return Err(Error::method_not_found());
        }
        if let Some(held) = params.held {
            self.shared.held.send_replace(held);
        }
        let [full, syntax] = &self.shared.computed;
        Ok(DebugChecks {
            full: full.load(Ordering::Relaxed),
            syntax: syntax.load(Ordering::Relaxed),
        })
    }

    async fn position_feature<T, F>(
        &self,
        p: &lsp::TextDocumentPositionParams,
        name: &'static str,
        f: F,
    ) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, usize) -> Option<T> + Send + 'static,
    {
        let pos = p.position;
        self.run(&p.text_document.uri, name, move |s| {
            let offset = convert::offset(&s.text, &s.index, pos)?;
            f(s, offset)
        })
        .await
    }
}

/// The snapshot in `cell`, computing it (off the async thread) if nobody has yet.
async fn compute(
    shared: &Shared,
    cell: &Cell,
    text: Arc<String>,
    version: i32,
    config: Arc<Config>,
    depth: Depth,
) -> Arc<Snapshot> {
    cell.get_or_init(|| async move {
        if depth == Depth::Full {
            // Never held outside tests; then this returns at once.
            let _ = shared.held.subscribe().wait_for(|held| !held).await;
        }
        shared.computed[usize::from(depth == Depth::Syntax)].fetch_add(1, Ordering::Relaxed);
        let job = tokio::task::spawn_blocking(move || {
            Snapshot::with_depth(String::clone(&text), version, config, depth)
        });
        match job.await {
            Ok(s) => Arc::new(s),
            // Snapshot::with_depth catches panics itself; a failed join means the runtime
            // is going away. Give an empty snapshot rather than none.
            Err(_) => Arc::new(Snapshot::new(String::new(), version, Arc::new(Config::default()))),
        }
    })
    .await
    .clone()
}

/// The message of a panic payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        *lock(&self.shared.initial) = params.initialization_options.clone();
        let pull = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        *lock(&self.shared.pull_config) = pull;
        defend_server::initialize(&self.shared, &params);
        let caps = lsp::ServerCapabilities {
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                },
            )),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some([":", "[", ">", ","].iter().map(|s| (*s).to_string()).collect()),
                ..Default::default()
            }),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::REFACTOR,
                    ]),
                    ..Default::default()
                },
            )),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: convert::semantic_legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    work_done_progress_options: Default::default(),
                },
            )),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![SHOW_STIX_COMMAND.to_string()],
                ..Default::default()
            }),
            ..Default::default()
        };
        Ok(lsp::InitializeResult {
            capabilities: caps,
            server_info: Some(lsp::ServerInfo {
                name: "afc".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let initial = lock(&self.shared.initial).take();
        if let Some(v) = initial {
            self.settings_from_json(&v).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let d = params.text_document;
        let old = lock(&self.shared.docs).insert(d.uri.clone(), Doc::new(d.text, d.version));
        tokio::task::spawn_blocking(move || drop(old));
        self.check_later(d.uri);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let old = {
            // Applied before any await, so changes apply in the order they arrive.
            let mut docs = lock(&self.shared.docs);
            let Some(doc) = docs.get_mut(&uri) else { return };
            let text = Arc::make_mut(&mut doc.text);
            for change in params.content_changes {
                convert::apply_change(text, change);
            }
            doc.version = params.text_document.version;
            doc.invalidate()
        };
        // Freeing a large snapshot takes a while: not on the thread that answers requests.
        tokio::task::spawn_blocking(move || drop(old));
        self.check_later(uri);
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let old = lock(&self.shared.docs).remove(&uri);
        tokio::task::spawn_blocking(move || drop(old));
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        if self.settings_from_json(&params.settings).await {
            return;
        }
        if !*lock(&self.shared.pull_config) {
            return;
        }
        let items = vec![lsp::ConfigurationItem {
            scope_uri: None,
            section: Some("afc".to_string()),
        }];
        if let Ok(values) = self.client.configuration(items).await {
            if let Some(v) = values.first() {
                let wrapped = serde_json::json!({ "afc": v });
                self.settings_from_json(&wrapped).await;
            }
        }
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let p = params.text_document_position;
        let Some(snap) = self.quick_snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        let pos = p.position;
        self.run_on(snap, "completion", move |s| {
            let offset = convert::offset(&s.text, &s.index, pos)?;
            Some(convert::completions(s, completion::complete(s, offset)))
        })
        .await
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        self.position_feature(&params.text_document_position_params, "hover", |s, o| {
            let h = crate::defend::extend_hover(s, o, hover::hover(s, o))?;
            Some(lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(convert::range(&s.text, &s.index, &h.span)),
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.position_feature(
            &params.text_document_position_params,
            "definition",
            move |s, o| {
                let span = navigate::definition(s, o)?;
                Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location {
                    uri,
                    range: convert::range(&s.text, &s.index, &span),
                }))
            },
        )
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        let decl = params.context.include_declaration;
        self.position_feature(&params.text_document_position, "references", move |s, o| {
            let spans = navigate::references(s, o, decl);
            Some(
                spans
                    .iter()
                    .map(|sp| lsp::Location {
                        uri: uri.clone(),
                        range: convert::range(&s.text, &s.index, sp),
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        self.position_feature(
            &params.text_document_position_params,
            "documentHighlight",
            |s, o| {
                Some(
                    navigate::highlights(s, o)
                        .into_iter()
                        .map(|(sp, k)| lsp::DocumentHighlight {
                            range: convert::range(&s.text, &s.index, &sp),
                            kind: Some(convert::highlight_kind(k)),
                        })
                        .collect(),
                )
            },
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        self.position_feature(&params, "prepareRename", |s, o| {
            let (span, name) = navigate::prepare_rename(s, o)?;
            Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(&s.text, &s.index, &span),
                placeholder: name,
            })
        })
        .await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        let new_name = params.new_name.clone();
        let answer = self
            .position_feature(&params.text_document_position, "rename", move |s, o| {
                Some(navigate::rename(s, o, &new_name).map(|edits| convert::workspace_edit(&uri, s, &edits)))
            })
            .await?;
        match answer {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(e)) => Err(Error {
                code: ErrorCode::InvalidParams,
                message: e.to_string().into(),
                data: None,
            }),
        }
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.run(&params.text_document.uri, "documentSymbol", |s| {
            let syms = symbols::document_symbols(s);
            Some(lsp::DocumentSymbolResponse::Nested(convert::document_symbols(
                s, syms,
            )))
        })
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let uris: Vec<lsp::Uri> = lock(&self.shared.docs).keys().cloned().collect();
        let mut out = Vec::new();
        for uri in uris {
            let query = params.query.clone();
            let u = uri.clone();
            let found = self
                .run(&uri, "workspaceSymbol", move |s| {
                    Some(
                        symbols::search(s, &query)
                            .into_iter()
                            .map(|f| lsp::WorkspaceSymbol {
                                name: f.name,
                                kind: convert::symbol_kind(f.kind),
                                tags: None,
                                container_name: f.container,
                                location: lsp::OneOf::Left(lsp::Location {
                                    uri: u.clone(),
                                    range: convert::range(&s.text, &s.index, &f.span),
                                }),
                                data: None,
                            })
                            .collect::<Vec<_>>(),
                    )
                })
                .await?;
            out.extend(found.unwrap_or_default());
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(lsp::WorkspaceSymbolResponse::Nested(out)))
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        self.run(&params.text_document.uri, "semanticTokens", |s| {
            let toks = semantic::tokens(s);
            Some(lsp::SemanticTokensResult::Tokens(convert::semantic_tokens(
                s, &toks,
            )))
        })
        .await
    }

    async fn formatting(&self, params: lsp::DocumentFormattingParams) -> Result<Option<Vec<lsp::TextEdit>>> {
        let answer = self
            .run(&params.text_document.uri, "formatting", |s| {
                Some(format::format(s).map(|edits| convert::text_edits(s, &edits)))
            })
            .await?;
        match answer {
            Some(Ok(edits)) => Ok(Some(edits)),
            Some(Err(errors)) => {
                let n = errors.len();
                self.client
                    .log_message(
                        lsp::MessageType::INFO,
                        format!("afc: not formatting a file with {n} syntax error(s)"),
                    )
                    .await;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn folding_range(&self, params: lsp::FoldingRangeParams) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.run(&params.text_document.uri, "foldingRange", |s| {
            Some(convert::folds(folding::folding_ranges(s)))
        })
        .await
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> Result<Option<Vec<lsp::InlayHint>>> {
        let r = params.range;
        self.run(&params.text_document.uri, "inlayHint", move |s| {
            let span = convert::span(&s.text, &s.index, r)?;
            Some(
                inlay::inlay_hints(s, span)
                    .into_iter()
                    .map(|h| lsp::InlayHint {
                        position: convert::position(&s.text, &s.index, h.offset),
                        label: lsp::InlayHintLabel::String(h.label),
                        kind: None,
                        text_edits: None,
                        tooltip: None,
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let r = params.range;
        self.run(&params.text_document.uri, "codeAction", move |s| {
            let span = convert::span(&s.text, &s.index, r)?;
            Some(
                actions::code_actions(s, span.clone())
                    .into_iter()
                    .map(|f| {
                        let diag = s
                            .diagnostics
                            .get(f.diagnostic)
                            .map(|d| convert::diagnostic(&uri, s, d));
                        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: f.title,
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            diagnostics: diag.map(|d| vec![d]),
                            edit: Some(convert::workspace_edit(&uri, s, &f.edits)),
                            command: None,
                            is_preferred: f.preferred.then_some(true),
                            disabled: None,
                            data: None,
                        })
                    })
                    .chain(crate::defend::suggestion_actions(s, span).into_iter().map(|a| {
                        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: a.title,
                            kind: Some(lsp::CodeActionKind::REFACTOR),
                            edit: Some(convert::workspace_edit(&uri, s, &a.edits)),
                            ..Default::default()
                        })
                    }))
                    .collect(),
            )
        })
        .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        self.run(&params.text_document.uri, "codeLens", |s| {
            let lenses = crate::defend::lenses(s);
            Some(
                lenses
                    .into_iter()
                    .map(|l| lsp::CodeLens {
                        range: convert::range(&s.text, &s.index, &l.span),
                        command: Some(lsp::Command {
                            title: l.title,
                            command: String::new(),
                            arguments: None,
                        }),
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.detections_changed(params).await;
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<lsp::LSPAny>> {
        if params.command != SHOW_STIX_COMMAND {
            return Err(Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let uri = params.arguments.first().and_then(|a| match a {
            Json::String(s) => s.parse::<lsp::Uri>().ok(),
            other => other
                .get("uri")
                .and_then(Json::as_str)
                .and_then(|s| s.parse::<lsp::Uri>().ok()),
        });
        let Some(uri) = uri else {
            return Err(Error::invalid_params("afc.showStix takes the document's URI"));
        };
        let answer = self.run(&uri, "showStix", Self::stix_answer(uri.clone())).await?;
        Ok(answer.and_then(|a| serde_json::to_value(a).ok()))
    }
}
