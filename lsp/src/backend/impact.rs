//! « Pol : impact de la modification »: the editor's buffers compared with git `HEAD` (with
//! the saved files when the folder is not a repository) over the golden dossiers, through the
//! compiler's comparison (`pol_compiler::diff`).

use std::path::{Path, PathBuf};

use pol_compiler::db::Database;
use pol_compiler::diff::{tree_sides, Report};
use pol_compiler::programme::revision::{load_base, Base};
use pol_compiler::programme::{parse_dossier, Dossier, OpenError};
use serde_json::json;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert::uri_path;
use super::{Backend, State};

/// The command that measures the effect of the edits.
pub const IMPACT_COMMAND: &str = "pol.impactDeLaModification";

/// How many changed dossiers are detailed per programme (the rest are counted).
const MAX_LISTED: usize = 50;

/// The other side: git `HEAD` of the repository holding the tree, or the files as saved.
fn base_of(policies: &Path) -> (Database, String) {
    let head = Base::Git("HEAD".into());
    match load_base(policies, &head) {
        Ok(db) => (db, head.describe()),
        Err(_) => (
            pol_compiler::files::load(policies)
                .map(|(db, _)| db)
                .unwrap_or_else(|_| Database::new(policies)),
            "les fichiers enregistrés".into(),
        ),
    }
}

/// The golden dossiers of the workspace, read from the editor when open: `(path, dossier)`.
fn golden(st: &State) -> Vec<(PathBuf, Dossier)> {
    Backend::golden_files(st)
        .into_iter()
        .filter_map(|f| {
            let d = parse_dossier(&Backend::document_text(st, &f)?).ok()?;
            Some((f, d))
        })
        .collect()
}

/// The comparison, as the command answers it: the report as text and JSON, and the changed
/// dossiers with their URI. `only`: the programme file the lens was on.
fn impact(st: &State, only: Option<PathBuf>) -> std::result::Result<serde_json::Value, String> {
    let (Some(db), Some(policies)) = (st.db.as_ref(), st.policies.as_ref()) else {
        return Err("aucun dossier de travail ouvert".into());
    };
    let (before, base) = base_of(policies);
    let named = only
        .map(|p| {
            db.file(&p)
                .map(|f| vec![f])
                .ok_or("ce fichier n'est pas une politique du dossier de travail")
        })
        .transpose()?;
    let (sides, notes) = tree_sides(&before, db, named, &base).map_err(|e| match e {
        OpenError::Diagnostics { .. } => {
            "un côté de la comparaison contient des erreurs : corrigez-les d'abord (voir les diagnostics)".to_string()
        }
        other => other.to_string(),
    })?;
    let dossiers = golden(st);
    let root = st.root.clone().unwrap_or_default();
    let label = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let mut report = Report {
        before: base,
        after: "les fichiers ouverts dans l'éditeur".into(),
        notes,
        ..Report::default()
    };
    for s in &sides {
        let mine = dossiers
            .iter()
            .filter(|(_, d)| s.takes(d, false))
            .map(|(p, d)| (label(p), d));
        report.programmes.push(s.over(mine, None, MAX_LISTED)?);
    }
    let changed: Vec<serde_json::Value> = report
        .programmes
        .iter()
        .flat_map(|p| &p.listed)
        .map(|c| {
            let uri = st.spelling.uri(&root.join(&c.label)).map(|u| u.to_string());
            json!({"uri": uri, "dossier": c.label, "description": c.description})
        })
        .collect();
    Ok(json!({
        "résumé": headline(&report),
        "texte": report.text(),
        "rapport": report.to_json(),
        "dossiers": changed,
    }))
}

/// One line for a message: how many dossiers change, per programme.
fn headline(report: &Report) -> String {
    if report.programmes.is_empty() {
        return match report.notes.first() {
            Some(n) => n.clone(),
            None => format!("aucun programme ne diffère de {}", report.before),
        };
    }
    report
        .programmes
        .iter()
        .map(|p| {
            let word = if p.changed > 1 {
                "dossiers modifiés"
            } else {
                "dossier modifié"
            };
            format!("{} : {} {word} sur {}", p.programme, p.changed, p.examined)
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

pub(super) async fn execute(
    this: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<LSPAny>> {
    let only = params
        .arguments
        .first()
        .and_then(|a| a.as_str())
        .and_then(|u| u.parse::<Uri>().ok())
        .and_then(|u| uri_path(&u));
    let outcome = this.read(move |st| Some(impact(st, only))).await?;
    match outcome {
        Some(Ok(answer)) => {
            let line = answer["résumé"].as_str().unwrap_or_default().to_string();
            this.client
                .show_message(
                    MessageType::INFO,
                    format!("Impact de la modification — {line}"),
                )
                .await;
            Ok(Some(answer))
        }
        Some(Err(e)) => {
            this.client
                .show_message(
                    MessageType::ERROR,
                    format!("Impact de la modification : {e}"),
                )
                .await;
            Err(tower_lsp_server::jsonrpc::Error::invalid_params(e))
        }
        None => Ok(None),
    }
}
