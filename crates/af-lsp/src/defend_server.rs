//! The protocol side of [`crate::defend`]: reading `afc.detections` (relative paths from the
//! first workspace folder), watching the sources (`workspace/didChangeWatchedFiles`, with a
//! watcher registered when the client allows it) and reading them again when they change.
//! A child of `server`, kept apart so that the rest of the server stays as it is.

use super::{lock, Backend, Shared};
use crate::defend::Detections;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types as lsp;

/// What the server remembers about detections.
#[derive(Debug, Default)]
pub(super) struct State {
    /// The first workspace folder, for relative sources.
    root: Option<PathBuf>,
    /// The client can register file watchers.
    can_watch: bool,
    /// The sources as configured (empty: none).
    configured: Vec<String>,
    /// The sources as paths.
    paths: Vec<PathBuf>,
}

/// The id of the watcher registration.
const WATCH_ID: &str = "afc.detections";

/// Notes the workspace root and whether the client takes watcher registrations.
pub(super) fn initialize(shared: &Shared, params: &lsp::InitializeParams) {
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .and_then(|u| u.to_file_path())
        .map(|p| p.into_owned());
    #[allow(deprecated)]
    let root = root.or_else(|| {
        params
            .root_uri
            .as_ref()
            .and_then(|u| u.to_file_path())
            .map(|p| p.into_owned())
    });
    let can_watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    let mut state = lock(&shared.defend);
    state.root = root;
    state.can_watch = can_watch;
}

impl Backend {
    /// Applies `afc.detections` to `config`: reads the sources when they changed (an empty
    /// list turns detections off). Problems are shown to the user.
    pub(super) async fn apply_detections(&self, sources: &[String], config: &mut crate::snapshot::Config) {
        let sources: Vec<String> = sources
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let paths: Vec<PathBuf> = {
            let mut state = lock(&self.shared.defend);
            if state.configured == sources && (config.detections.is_some() || sources.is_empty()) {
                return;
            }
            let root = state.root.clone();
            state.configured = sources.clone();
            state.paths = sources
                .iter()
                .map(|s| match &root {
                    Some(r) if Path::new(s).is_relative() => r.join(s),
                    _ => PathBuf::from(s),
                })
                .collect();
            state.paths.clone()
        };
        config.detections = self.read_detections(sources.clone(), paths.clone(), config).await;
        self.watch(&paths).await;
    }

    async fn read_detections(
        &self,
        sources: Vec<String>,
        paths: Vec<PathBuf>,
        config: &crate::snapshot::Config,
    ) -> Option<Arc<Detections>> {
        if paths.is_empty() {
            return None;
        }
        let catalog = config.catalog.clone();
        let job = tokio::task::spawn_blocking(move || {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
            af_analyze::sources::load(&paths, af_analyze::detections::MinStatus::Experimental, threads).map(
                |set| {
                    let catalog = match &catalog {
                        Some(c) => c.as_ref(),
                        None => af_catalog::Catalog::embedded(),
                    };
                    Detections::new(sources, set.rules, set.problems, catalog)
                },
            )
        });
        match job.await {
            Ok(Ok(d)) => {
                let mut text = format!(
                    "afc: {} detection{} naming {} technique{} from {}",
                    d.rules.len(),
                    if d.rules.len() == 1 { "" } else { "s" },
                    d.index.techniques(),
                    if d.index.techniques() == 1 { "" } else { "s" },
                    d.sources.join(", ")
                );
                for p in d.problems.iter().take(10) {
                    text.push_str(&format!("\n  warning: {p}"));
                }
                self.client.log_message(lsp::MessageType::INFO, text).await;
                if !d.problems.is_empty() {
                    self.client
                        .show_message(
                            lsp::MessageType::WARNING,
                            format!(
                                "afc: {} problem{} reading detections (see the output log); first: {}",
                                d.problems.len(),
                                if d.problems.len() == 1 { "" } else { "s" },
                                d.problems[0]
                            ),
                        )
                        .await;
                }
                Some(Arc::new(d))
            }
            Ok(Err(e)) => {
                self.client
                    .show_message(
                        lsp::MessageType::ERROR,
                        format!("afc: cannot read detections: {e}"),
                    )
                    .await;
                None
            }
            Err(_) => None,
        }
    }

    /// Registers a watcher on the sources (when the client takes registrations).
    async fn watch(&self, paths: &[PathBuf]) {
        if !lock(&self.shared.defend).can_watch {
            return;
        }
        let _ = self
            .client
            .unregister_capability(vec![lsp::Unregistration {
                id: WATCH_ID.into(),
                method: "workspace/didChangeWatchedFiles".into(),
            }])
            .await;
        if paths.is_empty() {
            return;
        }
        let watchers: Vec<lsp::FileSystemWatcher> = paths
            .iter()
            .map(|p| {
                let glob = if p.is_dir() {
                    format!("{}/**/*", p.display())
                } else {
                    p.display().to_string()
                };
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(glob),
                    kind: None,
                }
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let _ = self
            .client
            .register_capability(vec![lsp::Registration {
                id: WATCH_ID.into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }])
            .await;
    }

    /// A watched file changed: when it is one of the sources or inside one, read them again
    /// and check every document again.
    pub(super) async fn detections_changed(&self, params: lsp::DidChangeWatchedFilesParams) {
        let (sources, paths) = {
            let state = lock(&self.shared.defend);
            (state.configured.clone(), state.paths.clone())
        };
        if paths.is_empty() {
            return;
        }
        let touched = params.changes.iter().any(|c| {
            c.uri
                .to_file_path()
                .is_some_and(|f| paths.iter().any(|p| f.starts_with(p)))
        });
        if !touched {
            return;
        }
        let mut config = (*self.config()).clone();
        config.detections = self.read_detections(sources, paths, &config).await;
        *lock(&self.shared.config) = Arc::new(config);
        self.recheck_all();
    }
}
