//! Golden dossiers: the code lenses, the active dossier and its evaluation command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pol_compiler::check::scope::DefKind;
use pol_compiler::eval::dossier::{parse_dossier, Dossier};
use pol_compiler::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert::*;
use super::{Backend, State};
use crate::position::LineIndex;

/// The command that makes a golden dossier the active one.
pub const EVALUATE_COMMAND: &str = "pol.évaluerDossier";

impl Backend {
    /// The text of a document: the editor's if it is open, else the file on disk.
    pub(super) fn document_text(st: &State, path: &Path) -> Option<String> {
        st.open
            .get(path)
            .map(|t| String::clone(t))
            .or_else(|| std::fs::read_to_string(path).ok())
    }

    /// The active dossier's evaluation, recomputed if the workspace changed since.
    pub(super) fn active_run(st: &mut State) -> Option<(PathBuf, &ide::DossierRun)> {
        let (path, generation, _) = st.active.as_ref()?;
        let path = path.clone();
        if *generation != st.generation {
            let text = Self::document_text(st, &path)?;
            let run = ide::run_dossier(st.db.as_ref()?, &text).ok();
            st.active = Some((path.clone(), st.generation, run));
        }
        let run = st.active.as_ref()?.2.as_ref()?;
        Some((path, run))
    }

    /// The golden dossiers of the workspace (`tests/dossiers/` beside `policies/`).
    pub(super) fn golden_files(st: &State) -> Vec<PathBuf> {
        st.policies
            .as_ref()
            .map(|p| pol_compiler::programme::locate::golden_dossiers(p))
            .and_then(|dir| pol_compiler::files::find_files(&dir, "json").ok())
            .unwrap_or_default()
    }

    /// What every golden dossier of the workspace exercises, found once per generation.
    pub(super) fn golden_runs(st: &mut State) -> Arc<Vec<ide::Exercise>> {
        if let Some((g, runs)) = &st.golden {
            if *g == st.generation {
                return runs.clone();
            }
        }
        let mut runs = Vec::new();
        let mut docs = GoldenDocs::new();
        if let Some(db) = st.db.as_ref() {
            for f in Self::golden_files(st) {
                let doc = match st.open.get(&f) {
                    Some(text) => parse_dossier(text).ok().map(Arc::new),
                    None => disk_dossier(&st.golden_docs, &f, &mut docs),
                };
                if let Some(Ok(run)) = doc.map(|d| ide::exercise_dossier(db, &d)) {
                    runs.push(run);
                }
            }
        }
        st.golden_docs = Arc::new(docs);
        let runs = Arc::new(runs);
        st.golden = Some((st.generation, runs.clone()));
        runs
    }
}

/// The lenses of a document. A golden dossier gets « Évaluer ce dossier »; a policy file,
/// on each rule, condition and decision, how many golden dossiers exercise it. Those are
/// computed on a snapshot, off the lock, and the next edit cancels them.
pub(super) async fn code_lens(
    this: &Backend,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some(path) = uri_path(&uri) else {
        return Ok(None);
    };
    if path.extension().is_some_and(|e| e == "json") {
        return Ok(Some(this.with_state(|st| dossier_lens(st, &uri, &path))));
    }
    let computed = this
        .read_whole(move |st| {
            let lenses = policy_lenses(st, &uri)?;
            Some((lenses, st.golden.clone(), st.golden_docs.clone()))
        })
        .await?;
    let Some((lenses, golden, docs)) = computed else {
        return Ok(None);
    };
    this.with_state(|st| st.golden_docs = docs);
    // Keep the evaluations for the next request, unless an edit came meanwhile.
    if let Some((generation, runs)) = golden {
        this.with_state(|st| {
            if st.generation == generation {
                st.golden = Some((generation, runs));
            }
        });
    }
    Ok(Some(lenses))
}

/// The golden dossiers read from disk: each with the size and time of modification its file
/// had when it was read, so that a keystroke in a policy reads and parses none again.
pub(super) type GoldenDocs = HashMap<PathBuf, (FileStamp, Arc<Dossier>)>;

type FileStamp = (Option<std::time::SystemTime>, u64);

/// A golden dossier on disk, from `known` if its file has not changed since, read and parsed
/// otherwise; recorded in `now`. `None` when it cannot be read or is not a dossier.
fn disk_dossier(known: &GoldenDocs, path: &Path, now: &mut GoldenDocs) -> Option<Arc<Dossier>> {
    let meta = std::fs::metadata(path).ok()?;
    let stamp = (meta.modified().ok(), meta.len());
    let doc = match known.get(path) {
        Some((s, doc)) if *s == stamp => doc.clone(),
        _ => Arc::new(parse_dossier(&std::fs::read_to_string(path).ok()?).ok()?),
    };
    now.insert(path.to_path_buf(), (stamp, doc.clone()));
    Some(doc)
}

/// The lens of a golden dossier: make it the active one, or evaluate it again.
fn dossier_lens(st: &State, uri: &Uri, path: &Path) -> Vec<CodeLens> {
    let title = match &st.active {
        Some((p, _, _)) if p == path => "Dossier actif — réévaluer".to_string(),
        _ => "Évaluer ce dossier".to_string(),
    };
    vec![CodeLens {
        range: Range::default(),
        command: Some(Command {
            title,
            command: EVALUATE_COMMAND.into(),
            arguments: Some(vec![serde_json::Value::String(uri.to_string())]),
        }),
        data: None,
    }]
}

/// The lenses of a policy file: the impact of the edits on the programme line, and on each
/// rule, condition and decision the number of golden dossiers that exercise it.
fn policy_lenses(st: &mut State, uri: &Uri) -> Option<Vec<CodeLens>> {
    let (file, path) = Backend::file_at(st, uri)?;
    let symbols = ide::symbols(st.db.as_ref()?, file);
    let text = file.text(st.db.as_ref()?).clone();
    let editor = st.open.get(&path).cloned();
    let runs = Backend::golden_runs(st);
    let idx = LineIndex::mapped(&text, editor.as_deref().map(String::as_str));
    let lens = |s: &ide::Symbol, title: String, command: &str, arguments| CodeLens {
        range: idx.range(s.name_span.start as usize, s.name_span.end as usize),
        command: Some(Command {
            title,
            command: command.into(),
            arguments,
        }),
        data: None,
    };
    let uri_arg = || Some(vec![serde_json::Value::String(uri.to_string())]);
    let mut out = Vec::new();
    for s in &symbols {
        match s.kind {
            DefKind::Programme => out.push(lens(
                s,
                "Impact de la modification".into(),
                super::impact::IMPACT_COMMAND,
                uri_arg(),
            )),
            DefKind::Rule | DefKind::Condition | DefKind::Decision => {
                let n = runs
                    .iter()
                    .filter(|r| r.files.contains(&file) && r.exercised.contains(&s.name))
                    .count();
                let title = match n {
                    0 => "aucun dossier doré".into(),
                    1 => "1 dossier doré".into(),
                    n => format!("{n} dossiers dorés"),
                };
                out.push(lens(s, title, "", None));
            }
            _ => {}
        }
    }
    Some(out)
}

pub(super) async fn execute_command(
    this: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<LSPAny>> {
    if params.command != EVALUATE_COMMAND {
        return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
            "commande inconnue « {} »",
            params.command
        )));
    }
    let Some(arg) = params.arguments.first().and_then(|a| a.as_str()) else {
        return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
            "indiquez le dossier à évaluer (son URI)",
        ));
    };
    let path = arg
        .parse::<Uri>()
        .ok()
        .and_then(|u| uri_path(&u))
        .unwrap_or_else(|| real_path(Path::new(arg)));
    let outcome = this.with_state(|st| {
        st.active = Some((path.clone(), st.generation.wrapping_sub(1), None));
        if let Some((_, run)) = Backend::active_run(st) {
            return Ok(run.summary.clone());
        }
        // Say why: the dossier could not be read or evaluated.
        let text = Backend::document_text(st, &path);
        Err(match (text, st.db.as_ref()) {
            (Some(t), Some(db)) => ide::run_dossier(db, &t).err().unwrap_or_default(),
            _ => format!("impossible de lire « {} »", path.display()),
        })
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match outcome {
        Ok(summary) => {
            this.client
                .show_message(
                    MessageType::INFO,
                    format!("Dossier actif : {name} — {summary}"),
                )
                .await;
            Ok(Some(
                serde_json::json!({ "dossier": name, "résumé": summary }),
            ))
        }
        Err(e) => {
            this.client
                .show_message(MessageType::ERROR, format!("{name} : {e}"))
                .await;
            Err(tower_lsp_server::jsonrpc::Error::invalid_params(e))
        }
    }
}
