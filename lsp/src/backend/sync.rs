//! The documents: opened, changed and closed by the editor, files changed on disk, and the
//! diagnostics published after each change.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pol_compiler::check::file_diagnostics;
use pol_compiler::db::Database;
use pol_compiler::diagnostics::Diagnostic as PolDiagnostic;
use pol_compiler::files::{find_files, io_words};
use tower_lsp_server::ls_types::*;

use super::convert::*;
use super::{Backend, State};

/// Whether a document belongs in the database: a `.pol` file outside the standard library's
/// folder. Other documents (golden dossiers, README) are only kept as open documents.
pub(super) fn is_policy(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "pol") && std_path(path).is_none()
}

/// A policy file's text on disk, or why it cannot be read (in French).
pub(super) fn read_policy(path: &Path) -> std::result::Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "impossible de lire « {} » : {}",
            path.display(),
            io_words(&e)
        )
    })
}

/// Every readable `.pol` file under `root`, and the files (or folders) that could not be read.
pub(super) fn load_workspace(root: &Path) -> (Database, Vec<String>) {
    let mut db = Database::new(root);
    let mut problems = Vec::new();
    match find_files(root, "pol") {
        Ok(files) => {
            for f in files {
                match read_policy(&f) {
                    Ok(text) => {
                        db.set_file(real_path(&f), &text);
                    }
                    Err(e) => problems.push(e),
                }
            }
        }
        Err(e) => problems.push(e.0),
    }
    (db, problems)
}

/// The message shown when policy files could not be loaded.
pub(super) fn unreadable_message(problems: &[String]) -> String {
    format!(
        "pol : {} ignoré(s) — {}",
        match problems.len() {
            1 => "un fichier".to_string(),
            n => format!("{n} fichiers"),
        },
        problems.join(" ; ")
    )
}

/// One file's diagnostics to publish: its path, URI, the LSP diagnostics, and the compiler's
/// (recorded once sent, to publish only what changed next time).
pub(super) type FileDiagnostics = (PathBuf, Uri, Vec<Diagnostic>, Vec<PolDiagnostic>);

/// A state of the workspace (its generation) and the diagnostics to publish for it.
pub(super) type Publication = (u64, Vec<FileDiagnostics>);

impl Backend {
    /// The diagnostics to publish: those of the `edited` files, and of every other policy file
    /// whose diagnostics changed since they were last published (a file removed gets an empty
    /// list). Only those are converted: an edit that affects no other file publishes one list.
    pub(super) fn collect_diagnostics(state: &State, edited: &[PathBuf]) -> Vec<FileDiagnostics> {
        let Some(db) = state.db.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for file in db.policy_files() {
            let path = file.path(db);
            seen.insert(path);
            let diags = file_diagnostics(db, file);
            let changed = match state.published.get(path) {
                Some(last) => last != diags,
                None => !diags.is_empty(),
            };
            if !changed && !edited.contains(path) {
                continue;
            }
            let Some(uri) = state.spelling.uri(path) else {
                continue;
            };
            let idx = Backend::index(&state.open, db, file);
            let lsp = diags.iter().map(|d| to_lsp(d, &idx, &uri)).collect();
            out.push((path.clone(), uri, lsp, diags.clone()));
        }
        // Files gone from the database (deleted, closed without being saved).
        for (path, last) in &state.published {
            if seen.contains(path) || last.is_empty() {
                continue;
            }
            if let Some(uri) = state.spelling.uri(path) {
                out.push((path.clone(), uri, Vec::new(), Vec::new()));
            }
        }
        out
    }

    /// Sends a publication, file by file, while the workspace is still in its state: a newer
    /// state has its own. What was sent is recorded, so that what was not is sent next time.
    pub(super) async fn publish(&self, (generation, all): Publication) {
        for (path, uri, diags, pol) in all {
            if self.with_state(|st| st.generation) != generation {
                return;
            }
            self.client.publish_diagnostics(uri, diags, None).await;
            self.with_state(|st| {
                if st.generation == generation {
                    st.published.insert(path, pol);
                }
            });
        }
    }

    /// A new state of the workspace, and its diagnostics (`edited` files always get theirs).
    pub(super) fn changed(st: &mut State, edited: &[PathBuf]) -> Publication {
        st.generation += 1;
        (st.generation, Self::collect_diagnostics(st, edited))
    }

    /// Records an open document's text; a policy file also replaces its file in the database.
    /// Returns the new state's diagnostics, or `None` when the database did not change.
    fn set_document(st: &mut State, path: PathBuf, text: String) -> Option<Publication> {
        let policy = is_policy(&path);
        if policy {
            let db = st
                .db
                .get_or_insert_with(|| Database::new(path.parent().unwrap_or(Path::new("/"))));
            db.set_file(&path, &text);
        }
        st.open.insert(path.clone(), std::sync::Arc::new(text));
        if policy {
            Some(Self::changed(st, &[path]))
        } else {
            // A dossier's text changed: its evaluation is stale.
            st.generation += 1;
            None
        }
    }
}

pub(super) async fn did_open(this: &Backend, params: DidOpenTextDocumentParams) {
    let uri = params.text_document.uri;
    let Some(path) = uri_path(&uri) else {
        return;
    };
    let text = params.text_document.text;
    if let Some(all) = this.with_state(|st| {
        st.spelling.uris.insert(path.clone(), uri);
        Backend::set_document(st, path, text)
    }) {
        this.publish(all).await;
    }
}

pub(super) async fn did_change(this: &Backend, params: DidChangeTextDocumentParams) {
    let Some(path) = uri_path(&params.text_document.uri) else {
        return;
    };
    let changes = params.content_changes;
    // Applied under the same lock as the update, so that concurrent changes never interleave.
    let outcome = this.with_state(|st| {
        // A document the editor never opened starts from its file on disk.
        let mut text = match st.open.get(&path) {
            Some(t) => String::clone(t),
            None => match read_policy(&path) {
                Ok(t) => t,
                Err(e) => return Err(e),
            },
        };
        for change in changes {
            match change.range {
                Some(r) => crate::apply_edit(
                    &mut text,
                    (r.start.line, r.start.character),
                    (r.end.line, r.end.character),
                    &change.text,
                ),
                None => text = change.text,
            }
        }
        Ok(Backend::set_document(st, path.clone(), text))
    });
    match outcome {
        Ok(Some(all)) => this.publish(all).await,
        Ok(None) => {}
        Err(e) => {
            this.client
                .log_message(
                    MessageType::WARNING,
                    format!("modification ignorée d'un document jamais ouvert : {e}"),
                )
                .await
        }
    }
}

pub(super) async fn did_close(this: &Backend, params: DidCloseTextDocumentParams) {
    let Some(path) = uri_path(&params.text_document.uri) else {
        return;
    };
    // Back to the file on disk (or gone, if it was never saved).
    let all = this.with_state(|st| {
        st.open.remove(&path);
        st.spelling.uris.remove(&path);
        st.tokens.remove(params.text_document.uri.as_str());
        if !is_policy(&path) {
            return None;
        }
        if let Some(db) = st.db.as_mut() {
            match std::fs::read_to_string(&path) {
                Ok(t) => {
                    db.set_file(&path, &t);
                }
                Err(_) => db.remove_file(&path),
            }
        }
        Some(Backend::changed(st, std::slice::from_ref(&path)))
    });
    if let Some(all) = all {
        this.publish(all).await;
    }
}

/// The watcher the server asks the editor for, when the editor registers them dynamically.
pub(super) fn watcher_registration() -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String("**/*.pol".into()),
            kind: None,
        }],
    };
    Registration {
        id: "pol-fichiers".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// Policy files created, changed or deleted on disk: closed ones are reloaded (an open
/// document's text stays the editor's).
pub(super) async fn did_change_watched_files(this: &Backend, params: DidChangeWatchedFilesParams) {
    let (all, problems) = this.with_state(|st| {
        let mut problems = Vec::new();
        let mut touched = Vec::new();
        for change in params.changes {
            let Some(path) = uri_path(&change.uri) else {
                continue;
            };
            if !is_policy(&path) || st.open.contains_key(&path) {
                continue;
            }
            let Some(db) = st.db.as_mut() else { continue };
            touched.push(path.clone());
            if change.typ == FileChangeType::DELETED {
                db.remove_file(&path);
                continue;
            }
            match read_policy(&path) {
                Ok(text) => {
                    db.set_file(&path, &text);
                }
                Err(e) => {
                    db.remove_file(&path);
                    problems.push(e);
                }
            }
        }
        let all = (!touched.is_empty()).then(|| Backend::changed(st, &touched));
        (all, problems)
    });
    if !problems.is_empty() {
        this.client
            .show_message(MessageType::WARNING, unreadable_message(&problems))
            .await;
    }
    if let Some(all) = all {
        this.publish(all).await;
    }
}
