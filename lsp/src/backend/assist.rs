//! Help while writing: completion, quick fixes, formatting and inlay hints.

use std::collections::HashMap;

use pol_compiler::check::file_diagnostics;
use pol_compiler::format::format_source;
use pol_compiler::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert::*;
use super::Backend;

pub(super) async fn completion(
    this: &Backend,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let pos = params.text_document_position;
    this.read(move |st| {
        let (file, _) = Backend::file_at(st, &pos.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        let items = ide::completions(db, file, idx.offset(pos.position))
            .into_iter()
            .map(|c| CompletionItem {
                kind: Some(match c.kind {
                    "mot-clé" => CompletionItemKind::KEYWORD,
                    "champ" => CompletionItemKind::FIELD,
                    "valeur" => CompletionItemKind::ENUM_MEMBER,
                    "fonction" | "table" => CompletionItemKind::FUNCTION,
                    "type" => CompletionItemKind::STRUCT,
                    "unité" => CompletionItemKind::UNIT,
                    "entrée" => CompletionItemKind::VARIABLE,
                    _ => CompletionItemKind::VALUE,
                }),
                detail: c.detail.or(Some(c.kind.to_string())),
                label: c.label,
                ..CompletionItem::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    })
    .await
}

pub(super) async fn code_action(
    this: &Backend,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    this.read(move |st| {
        let (file, _) = Backend::file_at(st, &params.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        let (from, to) = (idx.offset(params.range.start), idx.offset(params.range.end));
        let uri = params.text_document.uri.clone();
        let actions = file_diagnostics(db, file)
            .iter()
            .filter(|d| {
                (d.primary.span.start as usize) <= to && from <= d.primary.span.end as usize
            })
            .filter_map(|d| {
                let (span, replacement) = d.fix.clone()?;
                let (start, end) = (span.start as usize, span.end as usize);
                let (title, start, end, replacement) =
                    if d.code == pol_compiler::diagnostics::codes::NON_EXHAUSTIVE {
                        let (at, arms) = ide::laid_out_arms(file.text(db), start, &replacement);
                        let title = "Ajouter les cas manquants (valeurs à compléter)";
                        (title.to_string(), at, at, arms)
                    } else {
                        let title = format!("Remplacer par « {replacement} »");
                        (title, start, end, replacement)
                    };
                let edit = TextEdit {
                    range: idx.range(start, end),
                    new_text: replacement,
                };
                Some(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![to_lsp(d, &idx, &uri)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }))
            })
            .collect();
        Some(actions)
    })
    .await
}

pub(super) async fn formatting(
    this: &Backend,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    this.read(move |st| {
        let (file, _) = Backend::file_at(st, &params.text_document.uri)?;
        let db = st.db.as_ref()?;
        let text = file.text(db);
        let formatted = format_source(text)?;
        if formatted == *text {
            return Some(Vec::new());
        }
        let idx = Backend::index(&st.open, db, file);
        Some(vec![TextEdit {
            range: idx.range(0, text.len()),
            new_text: formatted,
        }])
    })
    .await
}

pub(super) async fn inlay_hint(
    this: &Backend,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    this.read_whole(move |st| {
        let (file, _) = Backend::file_at(st, &params.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        // Only the hints in the range the editor asks for (what it shows).
        let (from, to) = (idx.offset(params.range.start), idx.offset(params.range.end));
        Some(
            ide::inlay_types(db, file)
                .into_iter()
                .filter(|(offset, _)| (from..=to).contains(&(*offset as usize)))
                .map(|(offset, label)| InlayHint {
                    position: idx.position(offset as usize),
                    label: InlayHintLabel::String(label),
                    kind: Some(InlayHintKind::TYPE),
                    text_edits: None,
                    tooltip: None,
                    padding_left: None,
                    padding_right: None,
                    data: None,
                })
                .collect(),
        )
    })
    .await
}
