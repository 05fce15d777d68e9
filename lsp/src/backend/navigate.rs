//! Hover, go to definition, find references and rename.

use std::path::PathBuf;

use pol_compiler::db::{Database, STD_PREFIX};
use pol_compiler::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{Backend, State};

/// Fields of structures are written in dossiers (JSON) too, like values of enumerations.
const FIELD_RENAME: &str = "un champ de structure ne se renomme pas depuis l'éditeur : les dossiers JSON l'écrivent aussi ; renommez-le dans la politique et dans les dossiers";

/// The standard library is part of pol, read-only in the editor.
const STD_RENAME: &str =
    "les définitions de la bibliothèque standard ne se renomment pas : elle fait partie de pol et s'ouvre en lecture seule";

/// Values of enumerations are also written in dossiers (JSON): renaming them in the policies
/// alone would break every dossier that uses them.
const VARIANT_RENAME: &str = "une valeur d'énumération ne se renomme pas depuis l'éditeur : les dossiers JSON l'écrivent aussi ; renommez-la dans la politique et dans les dossiers";

/// A golden dossier naming a definition: its path, its text, the spans of the names.
type DossierMentions = (PathBuf, String, Vec<(usize, usize)>);

impl Backend {
    /// Whether a structure field (declared or read) is at a position.
    fn field_at(st: &State, pos: &TextDocumentPositionParams) -> bool {
        let Some((file, _)) = Backend::file_at(st, &pos.text_document.uri) else {
            return false;
        };
        let Some(db) = st.db.as_ref() else {
            return false;
        };
        let offset = Backend::index(&st.open, db, file).offset(pos.position) as u32;
        matches!(
            ide::referenced_at(db, file, offset),
            Some(ide::Referenced::Field(..))
        )
    }

    /// The definition at a position, with the file and its line index.
    pub(super) fn target_at(
        st: &State,
        pos: &TextDocumentPositionParams,
    ) -> Option<(ide::Target, Range)> {
        let (file, _) = Self::file_at(st, &pos.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        let (target, span) = ide::definition_at(db, file, idx.offset(pos.position) as u32)?;
        Some((target, idx.range(span.start as usize, span.end as usize)))
    }

    /// The golden dossiers that name a definition: their path, text and the spans of the
    /// JSON strings naming it.
    pub(super) fn dossier_mentions(st: &State, target: &ide::Target) -> Vec<DossierMentions> {
        let Some(db) = st.db.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for f in Backend::golden_files(st) {
            let Some(text) = Backend::document_text(st, &f) else {
                continue;
            };
            let spans = ide::dossier_mentions(db, &text, &target.def, target.kind);
            if let Some(spans) = spans.filter(|s| !s.is_empty()) {
                out.push((f, text, spans));
            }
        }
        out
    }

    /// Every place a definition appears, as LSP locations grouped by URI.
    pub(super) fn locations(
        st: &State,
        db: &Database,
        what: &ide::Referenced,
    ) -> Vec<(Uri, Range)> {
        let files = db.policy_files();
        ide::references_to(db, what, &files)
            .into_iter()
            .filter_map(|(f, span)| {
                let uri = st.spelling.uri(f.path(db))?;
                let idx = Backend::index(&st.open, db, f);
                Some((uri, idx.range(span.start as usize, span.end as usize)))
            })
            .collect()
    }
}

pub(super) async fn hover(this: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let pos = params.text_document_position_params;
    Ok(this.with_state(|st| {
        let (file, _) = Backend::file_at(st, &pos.text_document.uri)?;
        // The active dossier first: it may need evaluating again.
        let active = Backend::active_run(st).map(|(path, run)| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, run.clone())
        });
        let active = active.filter(|(_, run)| run.files.contains(&file));
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        let offset = idx.offset(pos.position) as u32;
        let rules_date = active.as_ref().and_then(|(_, run)| run.rules_date);
        let (mut value, span, def) = ide::hover_at(db, file, offset, rules_date)?;
        let range = Some(idx.range(span.start as usize, span.end as usize));
        if let (Some(def), Some((name, run))) = (def, &active) {
            if run.files.contains(&def.file) {
                if let Some(v) = run.values.get(&*def.name) {
                    value.push_str(&format!("\n\n**Dossier actif** ({name}) : {v}"));
                }
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range,
        })
    }))
}

pub(super) async fn goto_definition(
    this: &Backend,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let pos = params.text_document_position_params;
    this.read(move |st| {
        let (file, _) = Backend::file_at(st, &pos.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        let (tfile, span, _) = ide::navigate_at(db, file, idx.offset(pos.position) as u32)?;
        let uri = st.spelling.uri(tfile.path(db))?;
        let tidx = Backend::index(&st.open, db, tfile);
        Some(GotoDefinitionResponse::Scalar(Location {
            uri,
            range: tidx.range(span.start as usize, span.end as usize),
        }))
    })
    .await
}

pub(super) async fn references(
    this: &Backend,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    this.read(move |st| {
        let pos = &params.text_document_position;
        let (file, _) = Backend::file_at(st, &pos.text_document.uri)?;
        let db = st.db.as_ref()?;
        let offset = Backend::index(&st.open, db, file).offset(pos.position) as u32;
        let what = ide::referenced_at(db, file, offset)?;
        let mut locs = Backend::locations(st, db, &what);
        if !params.context.include_declaration && !locs.is_empty() {
            locs.remove(0);
        }
        Some(
            locs.into_iter()
                .map(|(uri, range)| Location { uri, range })
                .collect(),
        )
    })
    .await
}

pub(super) async fn prepare_rename(
    this: &Backend,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let found = this.with_state(|st| {
        let (target, range) = Backend::target_at(st, &params)?;
        Some((
            target
                .def
                .file
                .path(st.db.as_ref()?)
                .starts_with(STD_PREFIX),
            target.variant.is_some(),
            range,
        ))
    });
    match found {
        Some((false, false, range)) => Ok(Some(PrepareRenameResponse::Range(range))),
        Some((_, true, _)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(
            VARIANT_RENAME,
        )),
        Some((true, false, _)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(
            STD_RENAME,
        )),
        None if this.with_state(|st| Backend::field_at(st, &params)) => Err(
            tower_lsp_server::jsonrpc::Error::invalid_params(FIELD_RENAME),
        ),
        None => Err(tower_lsp_server::jsonrpc::Error::invalid_params(
            "placez le curseur sur le nom d'une règle, d'une entrée, d'une condition, d'une table ou d'un type",
        )),
    }
}

pub(super) async fn rename(this: &Backend, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let outcome = this.with_state(|st| {
        let (target, _) = Backend::target_at(st, &params.text_document_position)?;
        let db = st.db.as_ref()?;
        if target.variant.is_some() {
            return Some(Err(VARIANT_RENAME.to_string()));
        }
        if target.def.file.path(db).starts_with(STD_PREFIX) {
            return Some(Err(STD_RENAME.to_string()));
        }
        if let Some(problem) =
            ide::rename_problem(db, &target.def, &params.new_name, &db.policy_files())
        {
            return Some(Err(problem));
        }
        // One edit per file, in a stable order (the definition's file first).
        let mut per_file: Vec<(Uri, Vec<TextEdit>)> = Vec::new();
        for (uri, range) in Backend::locations(st, db, &ide::Referenced::Def(target.def.clone())) {
            let edit = TextEdit {
                range,
                new_text: params.new_name.clone(),
            };
            match per_file.iter_mut().find(|(u, _)| *u == uri) {
                Some((_, edits)) => edits.push(edit),
                None => per_file.push((uri, vec![edit])),
            }
        }
        // Golden dossiers name inputs and expected values: renamed with them, or every
        // dossier of the programme would break.
        for (path, text, spans) in Backend::dossier_mentions(st, &target) {
            let Some(uri) = st.spelling.uri(&path) else {
                continue;
            };
            let idx = crate::position::LineIndex::new(&text);
            let edits = spans
                .into_iter()
                .map(|(a, b)| TextEdit {
                    range: idx.range(a, b),
                    new_text: format!("\"{}\"", params.new_name),
                })
                .collect();
            per_file.push((uri, edits));
        }
        let edits = per_file
            .into_iter()
            .map(|(uri, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
            .collect();
        Some(Ok(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(edits)),
            ..WorkspaceEdit::default()
        }))
    });
    match outcome {
        Some(Ok(edit)) => Ok(Some(edit)),
        Some(Err(problem)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(problem)),
        None if this.with_state(|st| Backend::field_at(st, &params.text_document_position)) => Err(
            tower_lsp_server::jsonrpc::Error::invalid_params(FIELD_RENAME),
        ),
        None => Ok(None),
    }
}
