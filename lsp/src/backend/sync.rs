//! The documents: opened, changed and closed by the editor, files changed on disk, and the
//! diagnostics published after each change.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pol_compiler::check::file_diagnostics;
use pol_compiler::db::Database;
use pol_compiler::files::{find_files, io_words};
use tower_lsp_server::ls_types::*;

use super::convert::*;
use super::{Backend, State};
use crate::position::LineIndex;

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
                        db.set_file(std::fs::canonicalize(&f).unwrap_or(f), &text);
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

/// A state of the workspace (its generation) and the diagnostics to publish for it.
pub(super) type Publication = (u64, Vec<(Uri, Vec<Diagnostic>)>);

impl Backend {
    /// The diagnostics of every policy file, converted; open documents and files fixed (or
    /// removed) since the last time get an empty list.
    pub(super) fn collect_diagnostics(state: &mut State) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(db) = state.db.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut now = HashSet::new();
        let mut seen = HashSet::new();
        for file in db.policy_files() {
            let path = file.path(db).clone();
            seen.insert(path.clone());
            let Some(uri) = path_uri(&path) else { continue };
            let idx = Backend::index(&state.open, db, file);
            let diags: Vec<Diagnostic> = file_diagnostics(db, file)
                .iter()
                .map(|d| to_lsp(d, &idx, &uri))
                .collect();
            if !diags.is_empty() {
                now.insert(path.clone());
                out.push((uri, diags));
            } else if state.with_diagnostics.contains(&path) || state.open.contains_key(&path) {
                // Open documents always get their (possibly empty) list.
                out.push((uri, Vec::new()));
            }
        }
        // Files gone from the database (deleted, closed without being saved).
        for path in state.with_diagnostics.difference(&seen) {
            if let Some(uri) = path_uri(path) {
                out.push((uri, Vec::new()));
            }
        }
        state.with_diagnostics = now;
        out
    }

    pub(super) async fn publish(&self, (generation, all): Publication) {
        for (uri, diags) in all {
            if self.with_state(|st| st.generation) != generation {
                return;
            }
            self.client.publish_diagnostics(uri, diags, None).await;
        }
    }

    /// A new state of the workspace, and its diagnostics.
    pub(super) fn changed(st: &mut State) -> Publication {
        st.generation += 1;
        (st.generation, Self::collect_diagnostics(st))
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
        st.open.insert(path, text);
        if policy {
            Some(Self::changed(st))
        } else {
            // A dossier's text changed: its evaluation is stale.
            st.generation += 1;
            None
        }
    }
}

pub(super) async fn did_open(this: &Backend, params: DidOpenTextDocumentParams) {
    let Some(path) = uri_path(&params.text_document.uri) else {
        return;
    };
    let text = params.text_document.text;
    if let Some(all) = this.with_state(|st| Backend::set_document(st, path, text)) {
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
            Some(t) => t.clone(),
            None => match read_policy(&path) {
                Ok(t) => t,
                Err(e) => return Err(e),
            },
        };
        for change in changes {
            match change.range {
                Some(range) => {
                    let (a, b) = {
                        let idx = LineIndex::new(text.as_str());
                        (idx.offset(range.start), idx.offset(range.end))
                    };
                    text.replace_range(a.min(b)..a.max(b), &change.text);
                }
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
        Some(Backend::changed(st))
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
        let mut touched = false;
        for change in params.changes {
            let Some(path) = uri_path(&change.uri) else {
                continue;
            };
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            if !is_policy(&path) || st.open.contains_key(&path) {
                continue;
            }
            let Some(db) = st.db.as_mut() else { continue };
            touched = true;
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
        (touched.then(|| Backend::changed(st)), problems)
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
