//! The shape of the policies: document and workspace symbols, folding ranges, semantic tokens.

use pol_compiler::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::convert::*;
use super::Backend;

pub(super) async fn document_symbol(
    this: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    this.read_whole(move |st| {
        let (file, _) = Backend::file_at(st, &params.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        #[allow(deprecated)]
        let symbols = ide::symbols(db, file)
            .into_iter()
            .map(|s| DocumentSymbol {
                name: s.name,
                detail: None,
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                range: idx.range(s.span.start as usize, s.span.end as usize),
                selection_range: idx.range(s.name_span.start as usize, s.name_span.end as usize),
                children: None,
            })
            .collect();
        Some(DocumentSymbolResponse::Nested(symbols))
    })
    .await
}

pub(super) async fn folding_range(
    this: &Backend,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    this.read_whole(move |st| {
        let (file, _) = Backend::file_at(st, &params.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = Backend::index(&st.open, db, file);
        Some(
            ide::symbols(db, file)
                .into_iter()
                .filter_map(|s| {
                    let r = idx.range(s.span.start as usize, s.span.end as usize);
                    (r.end.line > r.start.line).then_some(FoldingRange {
                        start_line: r.start.line,
                        end_line: r.end.line,
                        kind: Some(FoldingRangeKind::Region),
                        ..FoldingRange::default()
                    })
                })
                .collect(),
        )
    })
    .await
}

pub(super) async fn symbol(
    this: &Backend,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let query = params.query.to_lowercase();
    this.read(move |st| {
        let db = st.db.as_ref()?;
        let mut out = Vec::new();
        for file in db.policy_files() {
            let Some(uri) = st.spelling.uri(file.path(db)) else {
                continue;
            };
            let idx = Backend::index(&st.open, db, file);
            for s in ide::symbols(db, file) {
                if s.name.to_lowercase().contains(&query) {
                    out.push(WorkspaceSymbol {
                        name: s.name,
                        kind: symbol_kind(s.kind),
                        tags: None,
                        container_name: None,
                        location: OneOf::Left(Location {
                            uri: uri.clone(),
                            range: idx.range(s.name_span.start as usize, s.name_span.end as usize),
                        }),
                        data: None,
                    });
                }
            }
        }
        Some(WorkspaceSymbolResponse::Nested(out))
    })
    .await
}

pub(super) async fn semantic_tokens_full(
    this: &Backend,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let Some((key, data)) = document_tokens(this, params.text_document.uri).await? else {
        return Ok(None);
    };
    let result_id = this.with_state(|st| remember_tokens(st, key, data.clone()));
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: Some(result_id),
        data,
    })))
}

/// What changed since the tokens last sent for the document, as one edit of the protocol's
/// array (5 integers per token); all of them if the editor's result id is not the last one.
pub(super) async fn semantic_tokens_full_delta(
    this: &Backend,
    params: SemanticTokensDeltaParams,
) -> Result<Option<SemanticTokensFullDeltaResult>> {
    let Some((key, data)) = document_tokens(this, params.text_document.uri).await? else {
        return Ok(None);
    };
    Ok(Some(this.with_state(|st| {
        let previous = st
            .tokens
            .get(&key)
            .filter(|(id, _)| *id == params.previous_result_id)
            .map(|(_, old)| old.clone());
        let result_id = remember_tokens(st, key, data.clone());
        match previous {
            Some(old) => SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                result_id: Some(result_id),
                edits: vec![tokens_edit(&old, &data)],
            }),
            None => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data,
            }),
        }
    })))
}

/// Every token of a document, computed off the lock, with the key its last result is kept
/// under.
async fn document_tokens(this: &Backend, uri: Uri) -> Result<Option<(String, Vec<SemanticToken>)>> {
    let key = uri.as_str().to_string();
    let data = this.read_whole(move |st| tokens_in(st, &uri, None)).await?;
    Ok(data.map(|d| (key, d)))
}

/// Records the tokens sent for a document under a new result id, and returns the id.
fn remember_tokens(st: &mut super::State, key: String, data: Vec<SemanticToken>) -> String {
    st.tokens_sent += 1;
    let id = st.tokens_sent.to_string();
    st.tokens
        .insert(key, (id.clone(), std::sync::Arc::new(data)));
    id
}

/// The one edit that turns `old` into `new`: what lies between their common start and their
/// common end (tokens are relative to the previous one, so an edit mid-file changes few).
fn tokens_edit(old: &[SemanticToken], new: &[SemanticToken]) -> SemanticTokensEdit {
    let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let end = old[start..]
        .iter()
        .rev()
        .zip(new[start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    SemanticTokensEdit {
        start: (start * 5) as u32,
        delete_count: ((old.len() - start - end) * 5) as u32,
        data: Some(new[start..new.len() - end].to_vec()),
    }
}

/// The tokens of the lines an editor shows: only the chunks of the file they cover are lexed.
pub(super) async fn semantic_tokens_range(
    this: &Backend,
    params: SemanticTokensRangeParams,
) -> Result<Option<SemanticTokensRangeResult>> {
    let uri = params.text_document.uri;
    let range = params.range;
    this.read(move |st| {
        let data = tokens_in(st, &uri, Some(range))?;
        Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        }))
    })
    .await
}

/// The protocol's tokens of a document, or of a range of it, each relative to the previous.
fn tokens_in(st: &super::State, uri: &Uri, range: Option<Range>) -> Option<Vec<SemanticToken>> {
    let (file, _) = Backend::file_at(st, uri)?;
    let db = st.db.as_ref()?;
    let idx = Backend::index(&st.open, db, file);
    let bytes = match range {
        Some(r) => idx.offset(r.start)..idx.offset(r.end),
        None => 0..usize::MAX,
    };
    let mut data = Vec::new();
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    let mut walker = idx.walker();
    for (start, end, h) in ide::semantic_tokens(db, file, bytes) {
        let (a, b) = (walker.position(start), walker.position(end));
        // The protocol's tokens live on one line; multi-line ones are left uncoloured.
        if a.line != b.line || b.character <= a.character {
            continue;
        }
        let delta_line = a.line - prev_line;
        let delta_start = if delta_line == 0 {
            a.character - prev_col
        } else {
            a.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: b.character - a.character,
            token_type: legend_index(h),
            token_modifiers_bitset: 0,
        });
        prev_line = a.line;
        prev_col = a.character;
    }
    Some(data)
}
